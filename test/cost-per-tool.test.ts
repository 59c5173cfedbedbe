/*
 * Issue 21 part 3, "$ per tool call": an LLM call made inside an MCP tool
 * handler (server side) or inside an agent's `execute_tool` span (client side)
 * carries the tool's bounded `gen_ai.tool.name` on the token and cost series.
 * The two instrumentations meet only through the OTel context (core's
 * tool-scope), as in an app that uses both.
 */
import { McpServer } from '@modelcontextprotocol/sdk/server/mcp.js';
import { Client } from '@modelcontextprotocol/sdk/client/index.js';
import { InMemoryTransport } from '@modelcontextprotocol/sdk/inMemory.js';
import { instrumentOpenAI } from '@mcpmeter/instrumentation-llm';
import { instrumentMcpServer } from '@mcpmeter/instrumentation-mcp';
import { trace } from '@opentelemetry/api';
import { createRequire } from 'node:module';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { fakeHeaders, startFakeUpstream, type FakeUpstream } from '../test-utils/llm-upstream.js';
import { findMetric, setupTelemetry, sumOf, type TestTelemetry } from '../test-utils/otel.js';

// `openai` is a dev dependency of the llm package, not of the root.
const llmDir = fileURLToPath(new URL('../packages/instrumentation-llm/', import.meta.url));
const openaiPath = createRequire(llmDir).resolve('openai');
type OpenAIClient = {
  chat: { completions: { create(body: object, opts?: object): Promise<unknown> } };
};
let OpenAI: new (o: object) => OpenAIClient;

const COST = 'gen_ai.client.cost.usd';
const TOKENS = 'gen_ai.client.token.usage';
const USAGE = { input: 1000, output: 100 };
const DOUBLE = { input: 2000, output: 200 };

let tel: TestTelemetry;
let upstream: FakeUpstream;
let llm: OpenAIClient;
beforeAll(async () => {
  OpenAI = ((await import(pathToFileURL(openaiPath).href)) as { default: typeof OpenAI }).default;
  tel = setupTelemetry();
  upstream = await startFakeUpstream();
  llm = instrumentOpenAI(
    new OpenAI({ baseURL: upstream.baseURL, apiKey: 'sk-test', maxRetries: 0 }) as never,
  );
});
afterAll(async () => {
  await upstream.close();
  await tel.shutdown();
});

const ask = (usage: typeof USAGE) =>
  llm.chat.completions.create(
    { model: 'gpt-4.1', messages: [{ role: 'user', content: 'hi' }] },
    { headers: fakeHeaders({ usage }) },
  );

describe('cost per tool', () => {
  it('splits tokens and cost exactly between the MCP tools whose handlers called the LLM', async () => {
    tel.spans.reset();
    const before = await tel.collect();
    const server = new McpServer({ name: 'cost-per-tool', version: '1.0.0' });
    server.registerTool('summarize', { description: 'Summarizes.' }, async () => {
      await ask(USAGE);
      return { content: [{ type: 'text', text: 'short' }] };
    });
    server.registerTool('translate', { description: 'Translates.' }, async () => {
      await ask(DOUBLE);
      return { content: [{ type: 'text', text: 'traduit' }] };
    });
    instrumentMcpServer(server);
    const [clientSide, serverSide] = InMemoryTransport.createLinkedPair();
    await server.connect(serverSide);
    const client = new Client({ name: 'agent', version: '1.0.0' });
    await client.connect(clientSide);
    for (let i = 0; i < 3; i++) await client.callTool({ name: 'summarize', arguments: {} });
    for (let i = 0; i < 2; i++) await client.callTool({ name: 'translate', arguments: {} });
    await ask(USAGE); // outside any tool
    await client.close();
    await server.close();

    const after = await tel.collect();
    const delta = (name: string, filter: Record<string, string>) =>
      sumOf(findMetric(after, name), filter) - sumOf(findMetric(before, name), filter);
    const tokens = (tool: string, type: string) =>
      delta(TOKENS, { 'gen_ai.tool.name': tool, 'gen_ai.token.type': type });
    expect(tokens('summarize', 'input')).toBe(3 * USAGE.input);
    expect(tokens('summarize', 'output')).toBe(3 * USAGE.output);
    expect(tokens('translate', 'input')).toBe(2 * DOUBLE.input);
    expect(tokens('translate', 'output')).toBe(2 * DOUBLE.output);

    // Each LLM span carries its own price; its parent is the tools/call span of the tool.
    const spans = tel.spans.getFinishedSpans();
    const byId = new Map(spans.map((sp) => [sp.spanContext().spanId, sp]));
    const priced = { summarize: 0, translate: 0, none: 0 };
    for (const sp of spans) {
      const usd = sp.attributes['mcpmeter.cost.usd'];
      if (typeof usd !== 'number') continue;
      const parent = byId.get(sp.parentSpanContext?.spanId ?? '');
      const tool = parent?.attributes['gen_ai.tool.name'];
      if (tool === 'summarize' || tool === 'translate') priced[tool] += usd;
      else priced.none += usd;
    }
    const summarize = delta(COST, { 'gen_ai.tool.name': 'summarize' });
    const translate = delta(COST, { 'gen_ai.tool.name': 'translate' });
    expect(summarize).toBeGreaterThan(0);
    expect(translate).toBeGreaterThan(summarize);
    expect(Math.abs(summarize - priced.summarize)).toBeLessThan(1e-12);
    expect(Math.abs(translate - priced.translate)).toBeLessThan(1e-12);
    expect(Math.abs(delta(COST, {}) - summarize - translate - priced.none)).toBeLessThan(1e-12);
    expect(priced.none).toBeGreaterThan(0);
    const untagged = (findMetric(after, COST)?.dataPoints ?? []).filter(
      (p) => p.attributes['gen_ai.tool.name'] === undefined,
    );
    expect(untagged.length).toBeGreaterThan(0);
  });

  it('tags an LLM call made inside an agent execute_tool span with its tool', async () => {
    const before = await tel.collect();
    const tracer = trace.getTracer('agent');
    for (const tool of ['web_search', 'web_search', 'code_review']) {
      await tracer.startActiveSpan(
        `execute_tool ${tool}`,
        { attributes: { 'gen_ai.operation.name': 'execute_tool', 'gen_ai.tool.name': tool } },
        async (span) => {
          await ask(USAGE);
          span.end();
        },
      );
    }
    const after = await tel.collect();
    const delta = (filter: Record<string, string>) =>
      sumOf(findMetric(after, TOKENS), filter) - sumOf(findMetric(before, TOKENS), filter);
    expect(delta({ 'gen_ai.tool.name': 'web_search', 'gen_ai.token.type': 'input' })).toBe(
      2 * USAGE.input,
    );
    expect(delta({ 'gen_ai.tool.name': 'code_review', 'gen_ai.token.type': 'input' })).toBe(
      USAGE.input,
    );
  });
});
