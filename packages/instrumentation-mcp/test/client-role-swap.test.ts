import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { SpanKind, trace } from '@opentelemetry/api';
import {
  CreateMessageRequestSchema,
  ListRootsRequestSchema,
} from '@modelcontextprotocol/sdk/types.js';
import {
  countOf,
  findMetric,
  setupTelemetry,
  type TestTelemetry,
} from '../../../test-utils/otel.js';
import { instrumentMcpClient, instrumentMcpServer } from '../src/index.js';
import { SDKS } from './fixtures/sdks.js';

/*
 * Requests the server sends (sampling, roots): the conventions swap the roles,
 * so the server makes the CLIENT span and the client the SERVER span, and the
 * whole exchange stays in the trace of the tool call that caused it.
 */
let tel: TestTelemetry;
beforeAll(() => {
  tel = setupTelemetry();
});
afterEach(() => tel.spans.reset());
afterAll(() => tel.shutdown());

for (const sdk of SDKS) {
  describe(`${sdk.name} server-initiated requests`, () => {
    it('server CLIENT span → client SERVER span, inside the tools/call trace', async () => {
      const before = await tel.collect();
      const server = instrumentMcpServer(new sdk.McpServer({ name: 's', version: '1.0.0' }));
      server.registerTool('ask', { description: 'asks the client model' }, async () => {
        const roots = await server.server.listRoots();
        const answer = await server.server.createMessage({
          messages: [{ role: 'user', content: { type: 'text', text: 'hi' } }],
          maxTokens: 10,
        });
        return {
          content: [{ type: 'text', text: `${roots.roots.length} ${answer.content.text}` }],
        };
      });
      const client = instrumentMcpClient(
        new sdk.Client(
          { name: 'agent', version: '1.0.0' },
          { capabilities: { sampling: {}, roots: {} } },
        ),
      );
      const sampling = {
        model: 'm',
        role: 'assistant',
        content: { type: 'text', text: 'hello' },
      };
      if (sdk.name === 'sdk1') {
        client.setRequestHandler(CreateMessageRequestSchema, async () => sampling);
        client.setRequestHandler(ListRootsRequestSchema, async () => ({ roots: [] }));
      } else {
        client.setRequestHandler('sampling/createMessage', async () => sampling);
        client.setRequestHandler('roots/list', async () => ({ roots: [] }));
      }
      const [c, s] = sdk.InMemoryTransport.createLinkedPair();
      await server.connect(s);
      await client.connect(c);
      let traceId = '';
      await trace.getTracer('agent').startActiveSpan('agent turn', async (span) => {
        const r = await sdk.callTool(client, { name: 'ask', arguments: {} });
        expect(r.content[0].text).toBe('0 hello');
        traceId = span.spanContext().traceId;
        span.end();
      });
      await client.close();
      await server.close();

      const spans = tel.finishedSpans().filter((x) => x.spanContext().traceId === traceId);
      const toolServer = spans.find(
        (x) => x.name === 'tools/call ask' && x.kind === SpanKind.SERVER,
      )!;
      for (const method of ['sampling/createMessage', 'roots/list']) {
        const sent = spans.find((x) => x.name === method && x.kind === SpanKind.CLIENT)!;
        const handled = spans.find((x) => x.name === method && x.kind === SpanKind.SERVER)!;
        expect(sent, method).toBeDefined();
        expect(handled, method).toBeDefined();
        expect(sent.parentSpanContext?.spanId).toBe(toolServer.spanContext().spanId);
        expect(handled.parentSpanContext?.spanId).toBe(sent.spanContext().spanId);
        expect(sent.attributes['mcp.method.name']).toBe(method);
      }
      // measured on the sender as mcp.client.*, on the receiver as mcp.server.*
      const after = await tel.collect();
      for (const name of ['mcp.client.operation.duration', 'mcp.server.operation.duration']) {
        const filter = { 'mcp.method.name': 'sampling/createMessage' };
        expect(
          countOf(findMetric(after, name), filter) - countOf(findMetric(before, name), filter),
          name,
        ).toBe(1);
      }
    });
  });
}
