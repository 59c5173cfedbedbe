/*
 * register() finds a hub (`mcpmeter ui`) at the origin of its OTLP endpoint and
 * pushes its metrics there (src/hub-push.ts). The hub here is a real HTTP server
 * on 127.0.0.1 (test/hub-test-server.ts); the last test is a real child process.
 */
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { fileURLToPath } from 'node:url';
import { afterEach, describe, expect, it } from 'vitest';
import { freePort } from '../../../test-utils/ports.js';
import { startNode } from '../../../test-utils/process.js';
import { HUB_INTERVALS } from '../src/hub-push.js';
import { register, type RegisterHandle, type RegisterOptions } from '../src/index.js';
import { counterOf, resourceOf, startTestHub, type TestHub } from './hub-test-server.js';
import { captureStderr } from '../../../test-utils/stderr.js';

const pkgDir = fileURLToPath(new URL('..', import.meta.url));
const child = fileURLToPath(new URL('./fixtures/hub-child.mjs', import.meta.url));
const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/;

type Knob = typeof globalThis & { [HUB_INTERVALS]?: { probeMs?: number; pushMs?: number } };
const ENV = [
  'OTEL_EXPORTER_OTLP_ENDPOINT',
  'OTEL_RESOURCE_ATTRIBUTES',
  'OTEL_METRICS_EXPORTER',
  'OTEL_METRIC_EXPORT_INTERVAL',
  'MCPMETER_HUB',
];
const savedEnv = Object.fromEntries(ENV.map((k) => [k, process.env[k]]));

let handle: RegisterHandle | undefined;
const hubs: TestHub[] = [];
afterEach(async () => {
  await handle?.shutdown();
  handle = undefined;
  await Promise.all(hubs.splice(0).map((h) => h.close()));
  for (const k of ENV) {
    if (savedEnv[k] === undefined) delete process.env[k];
    else process.env[k] = savedEnv[k];
  }
  delete (globalThis as Knob)[HUB_INTERVALS];
});

async function hub(mode: TestHub['mode'], port?: number): Promise<TestHub> {
  const h = await startTestHub(mode, port);
  hubs.push(h);
  return h;
}

/** register() sending everything to `url`, quiet otherwise: no port, no spans, no signal handlers. */
function registerAt(url: string, options: RegisterOptions = {}): RegisterHandle {
  process.env.OTEL_EXPORTER_OTLP_ENDPOINT = url;
  handle = register({
    prometheus: { mode: 'mount' },
    traces: { exporter: 'none' },
    handleSignals: false,
    ...options,
  });
  return handle;
}

async function until(what: string, ok: () => boolean, timeoutMs: number): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!ok()) {
    if (Date.now() > deadline) throw new Error(`not within ${timeoutMs} ms: ${what}`);
    await new Promise((r) => setTimeout(r, 25));
  }
}

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

describe('a hub at the OTLP endpoint', () => {
  it('gets the metrics within 3 s: the resource identifies the process, the counts are exact', async () => {
    const h = await hub('hub');
    const t = registerAt(h.url, { serviceName: 'hub-a' });
    t.meterProvider.getMeter('hub-test').createCounter('hub_test_calls').add(3, { tool: 'x' });
    await until(
      'a push with the counter',
      () => h.posts.some((p) => counterOf(p, 'hub_test_calls') === 3),
      3000,
    );

    const post = h.posts.find((p) => counterOf(p, 'hub_test_calls') === 3)!;
    const resource = resourceOf(post);
    expect(resource['service.name']).toBe('hub-a');
    expect(resource['service.instance.id']).toMatch(UUID);
    expect(resource['process.pid']).toBe(process.pid);
    // one scope entry per scope, as with the OTLP exporter (scope-merge.ts)
    const scopes = post.resourceMetrics[0]!.scopeMetrics.map((s) => s.scope.name);
    expect(new Set(scopes).size).toBe(scopes.length);

    // the same identity as the process's own /metrics
    const res = await t.fetchMetricsHandler!(new Request('http://app/metrics'));
    const body = await res.text();
    expect(body).toMatch(
      new RegExp(
        `target_info\\{[^}]*service_instance_id="${String(resource['service.instance.id'])}"`,
      ),
    );
  });

  it('gets the metrics of a process whose metrics port was taken (a second copy of a stdio server)', async () => {
    const taken = createServer();
    await new Promise<void>((r) => taken.listen(0, '127.0.0.1', r));
    try {
      const h = await hub('hub');
      const port = (taken.address() as AddressInfo).port;
      const t = registerAt(h.url, { prometheus: { host: '127.0.0.1', port } });
      const stderr = captureStderr();
      await t.ready.catch(() => {});
      stderr.restore();
      expect(stderr.join('\n')).toMatch(/in use|EADDRINUSE/);
      await until('a push', () => h.posts.length > 0, 3000);
    } finally {
      taken.close();
    }
  });

  it('gets the last counts at shutdown', async () => {
    const h = await hub('hub');
    const t = registerAt(h.url);
    await until('the first push', () => h.posts.length > 0, 3000);
    t.meterProvider.getMeter('hub-test').createCounter('hub_last_calls').add(5);
    await t.shutdown();
    handle = undefined;
    expect(counterOf(h.posts.at(-1)!, 'hub_last_calls')).toBe(5);
    const after = h.posts.length;
    await sleep(300);
    expect(h.posts.length).toBe(after);
  });

  it('a Collector or Jaeger there (404): probed, never pushed to', async () => {
    (globalThis as Knob)[HUB_INTERVALS] = { probeMs: 100, pushMs: 100 };
    const h = await hub('404');
    const t = registerAt(h.url);
    t.meterProvider.getMeter('hub-test').createCounter('hub_test_calls').add(1);
    await until('probes', () => h.probes >= 3, 3000);
    await t.shutdown();
    handle = undefined;
    expect(h.posts).toEqual([]);
  });

  it('a hub that starts later is found', async () => {
    (globalThis as Knob)[HUB_INTERVALS] = { probeMs: 100, pushMs: 100 };
    const port = await freePort(); // nothing listens there yet: probes are refused
    registerAt(`http://127.0.0.1:${port}`);
    await sleep(300);
    const h = await hub('hub', port);
    await until('a push', () => h.posts.length > 0, 3000);
  });

  it('the default intervals: a hub that starts 1 s later is found at the next probe (5 s)', async () => {
    const port = await freePort();
    registerAt(`http://127.0.0.1:${port}`);
    await sleep(1000);
    const h = await hub('hub', port);
    await until('a push', () => h.posts.length > 0, 6000);
    expect(h.probes).toBe(1);
  }, 15_000);

  it('a hub that turns the pushes down (401): one line naming the fix, however many pushes', async () => {
    (globalThis as Knob)[HUB_INTERVALS] = { probeMs: 50, pushMs: 50 };
    const stderr = captureStderr();
    try {
      const h = await hub('refuse');
      registerAt(h.url);
      await until('three refused pushes', () => h.refused >= 3, 5000);
    } finally {
      stderr.restore();
    }
    expect(stderr).toHaveLength(1);
    expect(stderr[0]).toMatch(
      /^mcpmeter: the mcpmeter ui hub at http:\/\/127\.0\.0\.1:\d+ refused this process's metrics \(HTTP 401\); set OTEL_EXPORTER_OTLP_HEADERS=Authorization=Bearer%20<token>/,
    );
  });

  it('a hub that goes away: no stderr line, no exception; it is found again when it is back', async () => {
    (globalThis as Knob)[HUB_INTERVALS] = { probeMs: 100, pushMs: 100 };
    const stderr = captureStderr();
    const failures: unknown[] = [];
    const onFailure = (err: unknown) => failures.push(err);
    process.on('uncaughtException', onFailure);
    process.on('unhandledRejection', onFailure);
    try {
      const first = await hub('hub');
      const port = first.port;
      registerAt(first.url);
      await until('a push', () => first.posts.length > 0, 3000);
      await first.close();
      await sleep(600); // failed pushes, then refused probes
      const again = await hub('hub', port);
      // Found again: pushes reach the hub that is back. Whether the process probed first depends
      // on whether a push failed during the gap (timers run late on a loaded machine), so the
      // probe count is not asserted: a push without a probe is the same recovery.
      await until('a push to the new hub', () => again.posts.length > 0, 3000);
    } finally {
      stderr.restore();
      process.off('uncaughtException', onFailure);
      process.off('unhandledRejection', onFailure);
    }
    expect([...stderr]).toEqual([]);
    expect(failures).toEqual([]);
  });
});

describe('no probe at all', () => {
  it.each([
    ['MCPMETER_HUB=off', { MCPMETER_HUB: 'off' }, {}],
    ['MCPMETER_HUB=false', { MCPMETER_HUB: 'false' }, {}],
    ['hub: false', {}, { hub: false }],
    // metrics already go to that endpoint
    ['OTEL_METRICS_EXPORTER=otlp', { OTEL_METRICS_EXPORTER: 'otlp' }, {}],
  ])('with %s', async (_name, env: Record<string, string>, options: RegisterOptions) => {
    (globalThis as Knob)[HUB_INTERVALS] = { probeMs: 50, pushMs: 50 };
    const h = await hub('hub');
    Object.assign(process.env, env);
    registerAt(h.url, options);
    await sleep(400);
    expect(h.probes).toBe(0);
  });

  it('a bad MCPMETER_HUB: one line naming it and the fix; the default (on) is used', async () => {
    const h = await hub('hub');
    process.env.MCPMETER_HUB = 'maybe';
    const stderr = captureStderr();
    try {
      registerAt(h.url);
      await until('a push', () => h.posts.length > 0, 3000);
    } finally {
      stderr.restore();
    }
    expect(stderr).toHaveLength(1);
    expect(stderr[0]).toMatch(/^mcpmeter: MCPMETER_HUB="maybe" must be on or off/);
  });
});

describe('service.instance.id', () => {
  it.each([
    ['OTEL_RESOURCE_ATTRIBUTES', 'from-env', {}],
    [
      'resourceAttributes',
      'from-options',
      { resourceAttributes: { 'service.instance.id': 'from-options' } },
    ],
  ])('set in %s wins over the random one', async (_where, expected, options: RegisterOptions) => {
    process.env.OTEL_RESOURCE_ATTRIBUTES = 'service.instance.id=from-env';
    const h = await hub('hub');
    registerAt(h.url, options);
    await until('a push', () => h.posts.length > 0, 3000);
    expect(resourceOf(h.posts[0]!)['service.instance.id']).toBe(expected);
  });
});

describe('a process that lives 300 ms (node --import @mcpmeter/node/register)', () => {
  it('delivers its final counts at exit, with nothing on stdout or stderr', async () => {
    const h = await hub('hub');
    const proc = startNode(['--import', '@mcpmeter/node/register', child], {
      cwd: pkgDir,
      env: {
        PATH: process.env.PATH,
        OTEL_SERVICE_NAME: 'short-stdio',
        OTEL_EXPORTER_OTLP_ENDPOINT: h.url,
        OTEL_EXPORTER_PROMETHEUS_HOST: '127.0.0.1',
        OTEL_EXPORTER_PROMETHEUS_PORT: '0',
        OTEL_TRACES_EXPORTER: 'none',
      },
    });
    const { code } = await proc.exited;
    expect(code).toBe(0);
    expect(proc.stdout()).toBe('');
    expect(proc.stderr()).toBe('BYE\n');
    // the push right after the probe, and the one at exit (the next timed one is 2 s away)
    expect(h.posts.length).toBeGreaterThanOrEqual(2);
    const last = h.posts.at(-1)!;
    expect(counterOf(last, 'hub_child_calls')).toBe(7);
    expect(resourceOf(last)['service.name']).toBe('short-stdio');
    expect(resourceOf(last)['process.pid']).toBe(proc.process.pid);
  });
});
