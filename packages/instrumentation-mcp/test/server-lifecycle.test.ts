import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  countOf,
  findMetric,
  labelValues,
  setupTelemetry,
  type TestTelemetry,
} from '../../../test-utils/otel.js';
import { instrumentMcpServer } from '../src/index.js';
import { SDKS, TOOL_NAMES, connectInMemory, registerClawTools } from './fixtures/sdks.js';

let tel: TestTelemetry;
beforeAll(() => {
  tel = setupTelemetry();
});
afterAll(() => tel.shutdown());

const DURATION = 'mcp.server.operation.duration';

async function snapshot() {
  return tel.collect();
}

for (const sdk of SDKS) {
  describe(`${sdk.name} request lifecycle`, () => {
    it('ends every span and releases every active count after mixed concurrent calls', async () => {
      tel.spans.reset();
      const before = await snapshot();
      const server = instrumentMcpServer(new sdk.McpServer({ name: 'claws', version: '1.0.0' }));
      registerClawTools(server);
      const { client, close } = await connectInMemory(sdk, server);
      const calls: Promise<unknown>[] = [];
      const expected = { ok: 0, tool_error: 0, TypeError: 0, invalid: 0, cancelled: 0 };
      for (let i = 0; i < 10; i++) {
        const call = (params: object, options?: object) =>
          sdk.callTool(client, params, options).then(
            () => undefined,
            () => undefined,
          );
        calls.push(call({ name: 'fast', arguments: {} }));
        calls.push(call({ name: 'failing', arguments: {} }));
        calls.push(call({ name: 'throwing', arguments: {} }));
        calls.push(call({ name: 'invented_' + i, arguments: {} }));
        calls.push(call({ name: 'sharpen_claw', arguments: { times: -1 } }));
        // a client-side timeout: the client sends notifications/cancelled
        calls.push(call({ name: 'slow', arguments: { ms: 300 } }, { timeout: 20 }));
        // an explicit cancellation
        const abort = new AbortController();
        calls.push(call({ name: 'slow', arguments: { ms: 300 } }, { signal: abort.signal }));
        setTimeout(() => abort.abort(new Error('user gave up')), 10);
        expected.ok += 1;
        expected.tool_error += 1;
        expected.TypeError += 1;
        expected.invalid += 2;
        expected.cancelled += 2;
      }
      await Promise.all(calls);
      // let the abandoned slow handlers finish: their late results must not count twice
      await new Promise((r) => setTimeout(r, 350));
      await close();

      const after = await snapshot();
      const m = findMetric(after, DURATION);
      const delta = (filter: Record<string, string>) =>
        countOf(m, filter) - countOf(findMetric(before, DURATION), filter);
      const calls_ = { 'mcp.method.name': 'tools/call' };
      expect(delta({ ...calls_, 'gen_ai.tool.name': 'fast' })).toBe(expected.ok);
      expect(delta({ ...calls_, 'error.type': 'tool_error' })).toBe(expected.tool_error);
      expect(delta({ ...calls_, 'error.type': 'TypeError' })).toBe(expected.TypeError);
      expect(delta({ ...calls_, 'error.type': '-32602' })).toBe(expected.invalid);
      expect(delta({ ...calls_, 'error.type': 'cancelled' })).toBe(expected.cancelled);
      expect(delta(calls_)).toBe(70);
      expect(countOf(findMetric(after, 'mcp.server.active_requests'))).toBe(0);
      // every request got exactly one span, and all of them ended
      const toolSpans = tel
        .finishedSpans()
        .filter((s) => s.attributes['mcp.method.name'] === 'tools/call');
      expect(toolSpans).toHaveLength(70);
      expect(
        tel.finishedSpans().filter((s) => s.attributes['error.type'] === 'cancelled'),
      ).toHaveLength(20);
    });

    it('ends requests in flight when the transport closes, once', async () => {
      tel.spans.reset();
      const before = await snapshot();
      const server = instrumentMcpServer(new sdk.McpServer({ name: 'claws', version: '1.0.0' }));
      registerClawTools(server);
      const { client } = await connectInMemory(sdk, server);
      const pending = [1, 2, 3].map(() =>
        sdk.callTool(client, { name: 'slow', arguments: { ms: 200 } }).catch(() => 'closed'),
      );
      await new Promise((r) => setTimeout(r, 30));
      expect(countOf(findMetric(await snapshot(), 'mcp.server.active_requests'))).toBe(3);
      await server.close();
      await Promise.all(pending);
      await new Promise((r) => setTimeout(r, 250));
      const after = await snapshot();
      const closed = { 'mcp.method.name': 'tools/call', 'error.type': 'connection_closed' };
      expect(
        countOf(findMetric(after, DURATION), closed) -
          countOf(findMetric(before, DURATION), closed),
      ).toBe(3);
      expect(countOf(findMetric(after, 'mcp.server.active_requests'))).toBe(0);
      expect(countOf(findMetric(after, 'mcp.server.active_sessions'))).toBe(0);
      const sessions = findMetric(after, 'mcp.server.session.duration');
      expect(countOf(sessions, { 'error.type': 'connection_closed' })).toBeGreaterThanOrEqual(1);
      expect(tel.finishedSpans().filter((s) => s.name === 'tools/call slow')).toHaveLength(3);
    });

    it('keeps at most registered + 1 tool label values under 10,000 invented names', async () => {
      const server = instrumentMcpServer(new sdk.McpServer({ name: 'claws', version: '1.0.0' }));
      registerClawTools(server);
      const { client, close } = await connectInMemory(sdk, server);
      const batch = 200;
      for (let i = 0; i < 10_000; i += batch) {
        const calls = [];
        for (let j = 0; j < batch; j++) {
          const name = Math.random().toString(36).slice(2) + (i + j);
          calls.push(sdk.callTool(client, { name, arguments: {} }).catch(() => undefined));
        }
        await Promise.all(calls);
      }
      for (const name of TOOL_NAMES) {
        await sdk.callTool(client, { name, arguments: { ms: 1, times: 1 } }).catch(() => undefined);
      }
      await close();
      tel.spans.reset();
      const m = findMetric(await snapshot(), DURATION);
      const tools = labelValues(m, 'gen_ai.tool.name');
      tools.delete(undefined);
      expect(tools.size).toBeLessThanOrEqual(TOOL_NAMES.length + 1);
      expect(tools.has('_OTHER')).toBe(true);
      expect(countOf(m, { 'gen_ai.tool.name': '_OTHER' })).toBeGreaterThanOrEqual(10_000);
    });
  });
}
