import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startOtlpReceiver, type OtlpReceiver } from '../../../test-utils/otlp-receiver.js';
import { startNode, type Child } from '../../../test-utils/process.js';

/*
 * Hostile `_meta` sent as raw JSON-RPC lines to a stdio server process running
 * under `node --import @mcpmeter/node/register`, next to the same server
 * without telemetry: every answer is the same as without telemetry (the
 * instrumentation never turns a call into a failure), calls whose `_meta` the
 * SDK accepts succeed, and an unusable trace context starts a fresh trace.
 * Needs `pnpm build`.
 */
const pkgDir = fileURLToPath(new URL('..', import.meta.url));
const server = fileURLToPath(new URL('./cross-process/server-stdio.mjs', import.meta.url));
const TRACE_ID = '4bf92f3577b34da6a3ce929d0e0e4736';
const PARENT = '00f067aa0ba902b7';
const VALID = `00-${TRACE_ID}-${PARENT}-01`;
const HUGE = 'x'.repeat(100 * 1024);

/** name → _meta sent with tools/call fast; `fresh` cases must start a new trace. */
const CASES: { name: string; meta: unknown; fresh: boolean }[] = [
  { name: 'invalid traceparent', meta: { traceparent: 'garbage' }, fresh: true },
  { name: '100 KB traceparent', meta: { traceparent: `00-${HUGE}` }, fresh: true },
  {
    name: '100 KB tracestate',
    meta: { traceparent: VALID, tracestate: `k=${HUGE}` },
    fresh: false,
  },
  { name: '100 KB baggage', meta: { baggage: `k=${HUGE}` }, fresh: true },
  {
    name: 'non-string values',
    meta: { traceparent: 42, tracestate: { a: 1 }, baggage: ['x', 1] },
    fresh: true,
  },
  { name: '_meta is a string', meta: 'traceparent', fresh: true },
  { name: '_meta is an array', meta: [VALID], fresh: true },
  { name: '_meta is null', meta: null, fresh: true },
  { name: '_meta is a number', meta: 7, fresh: true },
];

class RawSession {
  private buffer = '';
  private readonly waiters = new Map<number, (msg: any) => void>();
  constructor(readonly child: Child) {
    child.process.stdout!.on('data', (d: Buffer) => {
      this.buffer += d.toString();
      let nl;
      while ((nl = this.buffer.indexOf('\n')) >= 0) {
        const line = this.buffer.slice(0, nl);
        this.buffer = this.buffer.slice(nl + 1);
        const msg = JSON.parse(line);
        this.waiters.get(msg.id)?.(msg);
      }
    });
  }
  send(msg: object): void {
    this.child.process.stdin!.write(JSON.stringify(msg) + '\n');
  }
  /** The answer, or 'no answer' after `timeoutMs` (the SDK drops messages it cannot parse). */
  request(id: number, method: string, params: unknown, timeoutMs = 10_000): Promise<any> {
    return new Promise((resolve) => {
      const timer = setTimeout(() => resolve('no answer'), timeoutMs);
      this.waiters.set(id, (msg) => {
        clearTimeout(timer);
        resolve(msg);
      });
      this.send({ jsonrpc: '2.0', id, method, params });
    });
  }
  async initialize(): Promise<void> {
    // A process start on a loaded machine can take seconds: wait for the answer.
    const answer = await this.request(
      0,
      'initialize',
      {
        protocolVersion: '2025-06-18',
        capabilities: {},
        clientInfo: { name: 'raw', version: '1.0.0' },
      },
      60_000,
    );
    if (answer === 'no answer') throw new Error('the server did not answer initialize');
    this.send({ jsonrpc: '2.0', method: 'notifications/initialized' });
  }
}

let receiver: OtlpReceiver;
beforeAll(async () => {
  receiver = await startOtlpReceiver();
});
afterAll(() => receiver.close());

for (const sdk of ['sdk1', 'sdk2']) {
  describe(`${sdk} stdio server process under register, hostile _meta`, () => {
    it('answers every call as it does without telemetry and starts fresh traces', async () => {
      const env = {
        PATH: process.env.PATH ?? '',
        OTEL_SERVICE_NAME: `hostile-${sdk}`,
        OTEL_TRACES_EXPORTER: 'otlp',
        OTEL_EXPORTER_OTLP_ENDPOINT: receiver.url,
        OTEL_METRICS_EXPORTER: 'none',
        OTEL_BSP_SCHEDULE_DELAY: '50',
      };
      const instrumented = new RawSession(
        startNode(['--import', '@mcpmeter/node/register', server, sdk], { cwd: pkgDir, env }),
      );
      const plain = new RawSession(
        startNode([server, sdk], { cwd: pkgDir, env: { PATH: env.PATH } }),
      );
      try {
        await instrumented.initialize();
        await plain.initialize();
        const ids = new Map(CASES.map((c, i) => [c.name, i + 1]));
        const answers = await Promise.all(
          CASES.map((c, i) => {
            const params = { name: 'fast', arguments: {}, _meta: c.meta };
            return Promise.all([
              instrumented.request(i + 1, 'tools/call', params),
              plain.request(i + 1, 'tools/call', params),
            ]);
          }),
        );
        CASES.forEach((c, i) => {
          const [got, want] = answers[i]!;
          expect(got, c.name).toEqual(want);
          // Both SDKs drop a message whose _meta is not an object before any handler
          // (ours included) sees it; every other call succeeds.
          if (want !== 'no answer') expect(got.result.content[0].text, c.name).toBe('ok');
        });
        // and the server keeps serving
        const after = await instrumented.request(100, 'tools/call', {
          name: 'fast',
          arguments: {},
        });
        expect(after.result.content[0].text).toBe('ok');
        // Spans of calls the SDK accepted: a fresh trace unless the context was usable.
        const accepted = CASES.filter(
          (c) => c.meta !== null && typeof c.meta === 'object' && !Array.isArray(c.meta),
        );
        const spans = await receiver.waitForSpans(
          (all) =>
            all.filter(
              (s) =>
                s.resource['service.name'] === `hostile-${sdk}` && s.name === 'tools/call fast',
            ).length >= accepted.length,
        );
        const mine = spans.filter(
          (s) => s.resource['service.name'] === `hostile-${sdk}` && s.name === 'tools/call fast',
        );
        for (const c of accepted) {
          const span = mine.find(
            (s) => s.attributes['jsonrpc.request.id'] === String(ids.get(c.name)),
          );
          expect(span, c.name).toBeDefined();
          if (c.fresh) {
            expect(span!.traceId, c.name).not.toBe(TRACE_ID);
            expect(span!.parentSpanId, c.name).toBe('');
          } else {
            expect(span!.traceId, c.name).toBe(TRACE_ID);
            expect(span!.parentSpanId, c.name).toBe(PARENT);
          }
        }
      } finally {
        await instrumented.child.kill();
        await plain.child.kill();
      }
      expect(instrumented.child.stderr()).not.toMatch(/mcpmeter.*(failed|error)/i);
    });
  });
}
