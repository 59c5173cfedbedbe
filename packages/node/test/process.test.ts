/*
 * Whole-process behaviour: zero-code entry points, OTLP export to a local
 * receiver, stdout silence and signal handling, each in a child process.
 */
import { afterEach, describe, expect, it } from 'vitest';
import { fileURLToPath } from 'node:url';
import { startOtlpReceiver, type OtlpReceiver } from '../../../test-utils/otlp-receiver.js';
import { startNode, type Child } from '../../../test-utils/process.js';

const pkgDir = fileURLToPath(new URL('..', import.meta.url));
const app = fileURLToPath(new URL('./fixtures/app.mjs', import.meta.url));
const shortLived = fileURLToPath(new URL('./fixtures/short-lived.mjs', import.meta.url));
const appCjs = fileURLToPath(new URL('./fixtures/app.cjs', import.meta.url));

const children: Child[] = [];
let receiver: OtlpReceiver | undefined;
afterEach(async () => {
  await Promise.all(children.splice(0).map((c) => c.kill('SIGKILL')));
  await receiver?.close();
  receiver = undefined;
});

function run(args: string[], env: Record<string, string>): Child {
  const child = startNode(args, {
    cwd: pkgDir,
    env: {
      PATH: process.env.PATH,
      OTEL_EXPORTER_PROMETHEUS_HOST: '127.0.0.1',
      OTEL_EXPORTER_PROMETHEUS_PORT: '0',
      ...env,
    },
  });
  children.push(child);
  return child;
}

async function freePort(): Promise<number> {
  const { freePort } = await import('../../../test-utils/prometheus.js');
  return freePort();
}

describe('zero-code entry points', () => {
  it('--import @mcpmeter/node/register serves /metrics configured only by env', async () => {
    const port = await freePort();
    const child = run(['--import', '@mcpmeter/node/register', app], {
      FIXTURE_MODE: 'plain',
      OTEL_SERVICE_NAME: 'zero-code-esm',
      OTEL_RESOURCE_ATTRIBUTES: 'deployment.environment.name=test,service.version=9.9.9',
      OTEL_EXPORTER_PROMETHEUS_PORT: String(port),
      OTEL_TRACES_EXPORTER: 'none',
    });
    await child.waitFor(/TICK 2/);
    const body = await (await fetch(`http://127.0.0.1:${port}/metrics`)).text();
    expect(body).toMatch(/target_info\{[^}]*service_name="zero-code-esm"/);
    expect(body).toMatch(/deployment_environment_name="test"/);
    expect(body).toMatch(/service_version="9.9.9"/);
    expect(body).toMatch(/nodejs_eventloop_delay/);
    expect(child.stdout()).toBe('');
  });

  it('--require @mcpmeter/node/register works for a CommonJS app', async () => {
    const port = await freePort();
    const child = run(['--require', '@mcpmeter/node/register', appCjs], {
      OTEL_SERVICE_NAME: 'zero-code-cjs',
      OTEL_EXPORTER_PROMETHEUS_PORT: String(port),
      OTEL_TRACES_EXPORTER: 'none',
    });
    await child.waitFor(/READY/);
    let body = '';
    for (let i = 0; i < 50 && !body.includes('zero-code-cjs'); i++) {
      body = await fetch(`http://127.0.0.1:${port}/metrics`).then(
        (r) => r.text(),
        () => '',
      );
      await new Promise((r) => setTimeout(r, 100));
    }
    expect(body).toMatch(/target_info\{[^}]*service_name="zero-code-cjs"/);
    expect(child.stdout()).toBe('');
  });
});

describe('traces over OTLP', () => {
  it.each(['http/protobuf', 'http/json'])(
    'arrive at a local receiver (%s) with the service name',
    async (protocol) => {
      receiver = await startOtlpReceiver();
      const child = run([app], {
        OTEL_SERVICE_NAME: `traced-${protocol.replace('/', '-')}`,
        OTEL_EXPORTER_OTLP_ENDPOINT: receiver.url,
        OTEL_EXPORTER_OTLP_PROTOCOL: protocol,
        OTEL_BSP_SCHEDULE_DELAY: '100',
      });
      await child.waitFor(/READY /);
      const spans = await receiver.waitForSpans((s) => s.some((x) => x.name === 'work'));
      const work = spans.find((s) => s.name === 'work')!;
      expect(work.resource['service.name']).toBe(`traced-${protocol.replace('/', '-')}`);
      expect(work.traceId).toMatch(/^[0-9a-f]{32}$/);
      expect(
        receiver.contentTypes.some((c) =>
          c.includes(protocol === 'http/json' ? 'json' : 'protobuf'),
        ),
      ).toBe(true);
    },
  );

  it('an unreachable collector: one clear stderr line, ready still resolves, the app keeps running', async () => {
    const port = await freePort(); // nobody listens here
    const child = run([app], {
      OTEL_EXPORTER_OTLP_ENDPOINT: `http://127.0.0.1:${port}`,
      OTEL_BSP_SCHEDULE_DELAY: '50',
    });
    // A collector that starts after the app is normal: `ready` does not reject for it.
    await child.waitFor(/^READY /m);
    await child.waitFor(/TICK 15/);
    expect(child.stderr()).not.toMatch(/READY-REJECTED/);
    const lines = child
      .stderr()
      .split('\n')
      .filter((l) => l.startsWith('mcpmeter:'));
    expect(lines.filter((l) => l.includes('no OTLP collector answers'))).toHaveLength(1);
    // export failures are reported once per outage, not once per batch
    expect(lines.filter((l) => l.includes('cannot export spans')).length).toBeLessThanOrEqual(1);
    expect(child.stdout()).toBe('');
  });
});

describe('metrics over OTLP (OTEL_METRICS_EXPORTER=otlp)', () => {
  it.each(['http/json', 'http/protobuf'])(
    'pushes to a collector (%s) and opens no port',
    async (protocol) => {
      receiver = await startOtlpReceiver();
      const child = run([app], {
        OTEL_SERVICE_NAME: 'pushed',
        OTEL_METRICS_EXPORTER: 'otlp',
        OTEL_TRACES_EXPORTER: 'none',
        OTEL_METRIC_EXPORT_INTERVAL: '200',
        OTEL_EXPORTER_OTLP_ENDPOINT: receiver.url,
        OTEL_EXPORTER_OTLP_PROTOCOL: protocol,
      });
      await child.waitFor(/READY $/m);
      const deadline = Date.now() + 15_000;
      while (receiver.metricPosts.length === 0 && Date.now() < deadline)
        await new Promise((r) => setTimeout(r, 50));
      const post = receiver.metricPosts[0]!;
      expect(post.contentType).toContain(protocol === 'http/json' ? 'json' : 'protobuf');
      const text =
        protocol === 'http/json' ? post.body.toString('utf8') : post.body.toString('latin1');
      // the resource and runtime metric names travel as plain strings in both encodings
      expect(text).toContain('pushed');
      expect(text).toContain('v8js.memory.heap.used');
      if (protocol === 'http/json') {
        const names = (
          JSON.parse(text) as {
            resourceMetrics: { scopeMetrics: { metrics: { name: string }[] }[] }[];
          }
        ).resourceMetrics.flatMap((r) =>
          r.scopeMetrics.flatMap((s) => s.metrics.map((m) => m.name)),
        );
        expect(names).toContain('v8js.memory.heap.limit');
      }
    },
  );
});

describe('bad input in a real process', () => {
  it('OTEL_EXPORTER_PROMETHEUS_PORT=abc: one line naming the setting and the fix, and the app stays up', async () => {
    const child = run([app], {
      OTEL_EXPORTER_PROMETHEUS_PORT: 'abc',
      OTEL_TRACES_EXPORTER: 'none',
      FIXTURE_OPTIONS: '{"prometheus":{"mode":"mount"}}',
    });
    // The default is used and works: `ready` resolves, the one line says what happened.
    await child.waitFor(/^READY/m);
    await child.waitFor(/TICK 3/);
    expect(child.stderr()).not.toMatch(/READY-REJECTED/);
    const lines = child
      .stderr()
      .split('\n')
      .filter((l) => l.startsWith('mcpmeter:'));
    expect(lines).toEqual([
      'mcpmeter: OTEL_EXPORTER_PROMETHEUS_PORT="abc" is not a port number; set it to an integer from 0 to 65535 (for example 9464), or unset it to use 9464. Using 9464.',
    ]);
    expect(child.process.exitCode).toBeNull();
  });

  it('writes nothing to stdout even at OTEL_LOG_LEVEL=all with the console exporter', async () => {
    const child = run([app], {
      OTEL_LOG_LEVEL: 'all',
      OTEL_TRACES_EXPORTER: 'console',
      OTEL_BSP_SCHEDULE_DELAY: '50',
    });
    await child.waitFor(/READY /);
    await child.waitFor(/"name":"work"/);
    expect(child.stderr()).toMatch(/^mcpmeter: metrics at http/m); // a debug line
    expect(child.stdout()).toBe('');
  });
});

describe('signals', () => {
  it('SIGTERM with no app handler: flushes spans, then exits by the signal as without mcpmeter', async () => {
    receiver = await startOtlpReceiver();
    const child = run([app], {
      OTEL_EXPORTER_OTLP_ENDPOINT: receiver.url,
      OTEL_BSP_SCHEDULE_DELAY: '60000', // only a flush can deliver the spans
    });
    await child.waitFor(/TICK 3/);
    const result = await child.kill('SIGTERM');
    expect(result.signal).toBe('SIGTERM');
    expect(receiver.spans.some((s) => s.name === 'work')).toBe(true);
  });

  it('SIGTERM with an app handler: the app handler runs and its exit code stands', async () => {
    receiver = await startOtlpReceiver();
    const child = run([app], {
      OTEL_EXPORTER_OTLP_ENDPOINT: receiver.url,
      OTEL_BSP_SCHEDULE_DELAY: '60000',
      FIXTURE_APP_SIGTERM: 'exit7',
    });
    await child.waitFor(/TICK 3/);
    const result = await child.kill('SIGTERM');
    expect(result.code).toBe(7);
    expect(child.stderr()).toMatch(/APP-HANDLER/);
    expect(receiver.spans.some((s) => s.name === 'work')).toBe(true);
  });
});

describe('short-lived programs', () => {
  it('flush their spans when the event loop empties, and still exit on their own', async () => {
    receiver = await startOtlpReceiver();
    const child = run([shortLived], {
      OTEL_EXPORTER_OTLP_ENDPOINT: receiver.url,
      OTEL_BSP_SCHEDULE_DELAY: '60000', // only the exit flush can deliver the span
    });
    const result = await child.exited;
    expect(result.code).toBe(0);
    expect(receiver.spans.map((s) => s.name)).toContain('one-shot');
    expect(child.stdout()).toBe('');
  });
});
