/*
 * A real Prometheus (Debian package) scrapes a process that called register();
 * the test reads target_info and a runtime metric back through its HTTP API.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { fileURLToPath } from 'node:url';
import {
  freePort,
  startPrometheus,
  type RunningPrometheus,
} from '../../../test-utils/prometheus.js';
import { startNode, type Child } from '../../../test-utils/process.js';

const pkgDir = fileURLToPath(new URL('..', import.meta.url));
const app = fileURLToPath(new URL('./fixtures/app.mjs', import.meta.url));

describe('scraped by a real Prometheus', () => {
  let prom: RunningPrometheus;
  let child: Child;

  beforeAll(async () => {
    const port = await freePort();
    child = startNode([app], {
      cwd: pkgDir,
      env: {
        PATH: process.env.PATH,
        OTEL_SERVICE_NAME: 'scraped-app',
        OTEL_EXPORTER_PROMETHEUS_HOST: '127.0.0.1',
        OTEL_EXPORTER_PROMETHEUS_PORT: String(port),
        OTEL_TRACES_EXPORTER: 'none',
      },
    });
    await child.waitFor(/READY http/);
    prom = await startPrometheus({
      targets: [{ job: 'mcpmeter-app', target: `127.0.0.1:${port}` }],
    });
  });

  afterAll(async () => {
    await prom?.stop();
    await child?.kill();
  });

  it('target_info carries the service name', async () => {
    const r = await prom.waitFor('target_info{job="mcpmeter-app"}');
    expect(r[0]!.metric.service_name).toBe('scraped-app');
    expect(r[0]!.metric.telemetry_sdk_language).toBe('nodejs');
  });

  it('Node runtime metrics arrive', async () => {
    const heap = await prom.waitFor('sum(v8js_memory_heap_used_bytes{job="mcpmeter-app"})');
    expect(Number(heap[0]!.value[1])).toBeGreaterThan(0);
    const elu = await prom.waitFor('nodejs_eventloop_utilization_ratio{job="mcpmeter-app"}');
    expect(elu.length).toBeGreaterThan(0);
    const up = await prom.waitFor('up{job="mcpmeter-app"} == 1');
    expect(up).toHaveLength(1);
  });
});
