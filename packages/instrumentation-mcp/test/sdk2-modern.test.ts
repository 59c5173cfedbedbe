/*
 * `@modelcontextprotocol/client` 2.4 against `createMcpHandler` of
 * `@modelcontextprotocol/server` 2.4 on protocol 2026-07-28: no initialize, no
 * session, `server/discover`, and a Multi Round-Trip Request whose elicitation
 * round the client fulfils automatically.
 */
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { SpanKind, trace } from '@opentelemetry/api';
import { Client, StreamableHTTPClientTransport } from '@modelcontextprotocol/client';
import {
  countOf,
  findMetric,
  setupTelemetry,
  type TestTelemetry,
} from '../../../test-utils/otel.js';
import { instrumentMcpClient, instrumentMcpServer } from '../src/index.js';
import { startModernHttp } from './fixtures/modern-http.js';

let tel: TestTelemetry;
beforeAll(() => {
  tel = setupTelemetry();
});
afterEach(() => tel.spans.reset());
afterAll(() => tel.shutdown());

describe('SDK 2.4 on protocol 2026-07-28', () => {
  it('server/discover, one logical tools/call over two rounds, no session left open', async () => {
    const http = await startModernHttp((s) => instrumentMcpServer(s));
    try {
      const before = await tel.collect();
      const client = instrumentMcpClient(
        new Client({ name: 'agent', version: '1.0.0' }, {
          capabilities: { elicitation: { form: {} } },
          versionNegotiation: { mode: 'auto' },
        } as any),
      );
      client.setRequestHandler('elicitation/create', async () => {
        await new Promise((r) => setTimeout(r, 40));
        return { action: 'accept', content: { confirm: true } };
      });
      await client.connect(new StreamableHTTPClientTransport(http.url));
      await client.listTools();
      const result = await trace.getTracer('agent').startActiveSpan('agent turn', async (turn) => {
        const r = await client.callTool({ name: 'confirm_deploy', arguments: { env: 'prod' } });
        turn.end();
        return r;
      });
      expect((result as any).content[0].text).toBe('deployed to prod');
      await client.close();

      const spans = tel.finishedSpans();
      const turn = spans.find((s) => s.name === 'agent turn')!;
      const call = spans.filter(
        (s) => s.name === 'tools/call confirm_deploy' && s.kind === SpanKind.CLIENT,
      );
      expect(call).toHaveLength(1);
      expect(call[0]!.parentSpanContext?.spanId).toBe(turn.spanContext().spanId);
      expect(call[0]!.attributes['mcp.protocol.version']).toBe('2026-07-28');
      expect(call[0]!.attributes['mcp.request.round_count']).toBe(2);
      expect(call[0]!.attributes['mcp.request.input_wait.duration']).toBeGreaterThanOrEqual(0.03);
      const rounds = spans.filter(
        (s) => s.name === 'tools/call confirm_deploy' && s.kind === SpanKind.SERVER,
      );
      expect(rounds).toHaveLength(2);
      for (const r of rounds) {
        expect(r.parentSpanContext?.spanId).toBe(call[0]!.spanContext().spanId);
      }
      expect(rounds[0]!.attributes['mcp.result_type']).toBe('input_required');
      const discover = spans.find((s) => s.name === 'server/discover')!;
      expect(discover.kind).toBe(SpanKind.SERVER);

      const all = await tel.collect();
      const delta = (name: string, attrs: Record<string, string>) =>
        countOf(findMetric(all, name), attrs) - countOf(findMetric(before, name), attrs);
      const confirm = { 'mcp.method.name': 'tools/call', 'gen_ai.tool.name': 'confirm_deploy' };
      expect(delta('mcp.client.operation.duration', confirm)).toBe(1);
      expect(delta('mcp.server.operation.duration', confirm)).toBe(1);
      expect(delta('mcp.server.operation.duration', { 'mcp.method.name': 'server/discover' })).toBe(
        1,
      );
      expect(delta('mcp.server.operation.duration', { 'mcp.method.name': 'initialize' })).toBe(0);
      expect(delta('mcp.server.operation.duration', { 'mcp.method.name': 'ping' })).toBe(0);
      expect(delta('mcp.server.session.duration', {})).toBe(0);
      for (const p of findMetric(all, 'mcp.server.active_sessions')?.dataPoints ?? []) {
        expect(p.value).toBe(0);
      }
      for (const p of findMetric(all, 'mcp.server.active_requests')?.dataPoints ?? []) {
        expect(p.value).toBe(0);
      }
    } finally {
      await http.close();
    }
  });
});
