/*
 * A real Prometheus scrapes a wrapped server under load, with the mixin's
 * recording rules loaded: its request-rate, error-ratio and p95 series come
 * back for the wrapped server's tools, as for an instrumented one.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { recordedNames, recordingRules, ruleFileYaml } from '@mcpmeter/mixin';
import {
  startPrometheus,
  type PromSample,
  type RunningPrometheus,
} from '../../../test-utils/prometheus.js';
import { PY_SERVER, connectWrapped, type Wrapped } from './helpers.js';

const names = recordedNames('30s');
let w: Wrapped;
let prom: RunningPrometheus;
let load: Promise<void>;
let stop = false;

beforeAll(async () => {
  w = await connectWrapped(['python3', PY_SERVER]);
  await w.client.listTools();
  prom = await startPrometheus({
    targets: [{ job: 'wrapped', target: new URL(w.metricsUrl).host }],
    rules: [ruleFileYaml(recordingRules({ rateWindow: '30s' }))],
  });
  // Bounded load: at most 400 rounds or 60 s, whichever comes first.
  load = (async () => {
    const deadline = Date.now() + 60_000;
    for (let round = 0; round < 400 && !stop && Date.now() < deadline; round++) {
      await Promise.all([
        w.client.callTool({ name: 'echo', arguments: { text: 'a' } }),
        w.client.callTool({ name: 'echo', arguments: { text: 'b' } }),
        w.client.callTool({ name: 'fail', arguments: {} }),
        w.client.callTool({ name: 'slow', arguments: { ms: 300 } }),
      ]);
    }
  })();
});
afterAll(async () => {
  stop = true;
  await load?.catch(() => {});
  await prom?.stop();
  await w?.client.close();
});

const byTool = (r: PromSample[]) =>
  Object.fromEntries(r.map((s) => [s.metric.gen_ai_tool_name, Number(s.value[1])]));

describe('Prometheus and the mixin on a wrapped server', () => {
  it('request rate per tool', async () => {
    const r = await prom.waitFor(`${names.toolCalls}{job="wrapped"}`, (r) =>
      ['echo', 'fail', 'slow'].every((t) => (byTool(r)[t] ?? 0) > 0),
    );
    const rates = byTool(r);
    expect(rates.echo).toBeGreaterThan(rates.slow);
  });

  it('error ratio per tool: fail always, echo never', async () => {
    const r = await prom.waitFor(`${names.toolErrorRatio}{job="wrapped"}`, (r) =>
      ['echo', 'fail'].every((t) => byTool(r)[t] !== undefined),
    );
    expect(byTool(r)).toMatchObject({ echo: 0, fail: 1 });
    const byType = await prom.waitFor(`${names.toolErrorsByType}{job="wrapped"}`);
    expect(byType.map((s) => `${s.metric.gen_ai_tool_name}|${s.metric.error_type}`)).toEqual([
      'fail|tool_error',
    ]);
  });

  it('p95 latency per tool: slow between its bucket bounds', async () => {
    const r = await prom.waitFor(`${names.toolQuantile}{job="wrapped",quantile="0.95"}`, (r) =>
      Number.isFinite(byTool(r).slow),
    );
    const p95 = byTool(r);
    expect(p95.slow).toBeGreaterThan(0.2);
    expect(p95.slow).toBeLessThanOrEqual(0.5);
    expect(p95.echo).toBeLessThan(p95.slow);
    const methods = await prom.waitFor(
      `${names.methodRequests}{job="wrapped",mcp_method_name="tools/call"}`,
    );
    expect(methods).toHaveLength(1);
  });
});
