import OpenAI from 'openai';
import { calcPrice, extractUsage, findProvider } from '@pydantic/genai-prices';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { instrumentOpenAI } from '../src/index.js';
import {
  DEFAULT_USAGE,
  fakeHeaders,
  openaiChatUsage,
  openaiResponsesUsage,
} from '../../../test-utils/llm-upstream.js';
import {
  ACTIVE,
  COST,
  DURATION,
  TPOC,
  TTFC,
  count,
  costUsd,
  findMetric,
  startHarness,
  sumOf,
  tokens,
  type Harness,
} from './helpers.js';

let h: Harness;
let client: OpenAI;

beforeEach(async () => {
  h = await startHarness();
  client = instrumentOpenAI(
    new OpenAI({ baseURL: h.upstream.baseURL, apiKey: 'sk-test-secret', maxRetries: 0 }),
  );
});
afterEach(() => h.close());

/** What the catalog itself charges for the raw usage object the upstream sent. */
function catalogPrice(flavor: string, model: string, usage: Record<string, unknown>): number {
  const provider = findProvider({ providerId: 'openai' })!;
  const extracted = extractUsage(provider, { model, usage }, flavor);
  return calcPrice(extracted.usage, model, { providerId: 'openai' })!.total_price;
}

describe('openai chat completions', () => {
  it('records tokens, cost and a span for a JSON response', async () => {
    const res = await client.chat.completions.create({
      model: 'gpt-4.1',
      messages: [{ role: 'user', content: 'hi' }],
    });
    expect(res.choices[0]?.message.content).toContain('Hello');
    const all = await h.metrics();
    expect(tokens(all, 'input')).toBe(DEFAULT_USAGE.input);
    expect(tokens(all, 'output')).toBe(DEFAULT_USAGE.output);
    expect(tokens(all, 'cache_read')).toBe(DEFAULT_USAGE.cacheRead);
    expect(tokens(all, 'reasoning')).toBe(DEFAULT_USAGE.reasoning);
    expect(tokens(all, 'cache_write')).toBe(0);
    const expected = catalogPrice('chat', 'gpt-4.1', openaiChatUsage(DEFAULT_USAGE));
    expect(expected).toBeGreaterThan(0);
    expect(Math.abs(costUsd(all) - expected)).toBeLessThan(1e-9);
    expect(
      costUsd(all, { 'mcpmeter.price.source': 'catalog', 'gen_ai.token.type': 'input' }),
    ).toBeGreaterThan(0);
    expect(
      count(all, DURATION, { 'gen_ai.operation.name': 'chat', 'gen_ai.provider.name': 'openai' }),
    ).toBe(1);
    expect(count(all, TTFC)).toBe(0);
    expect(sumOf(findMetric(all, ACTIVE))).toBe(0);
    const [span] = h.otel.finishedSpans();
    expect(span?.name).toBe('chat gpt-4.1');
    expect(span?.kind).toBe(2 /* CLIENT */);
    expect(span?.attributes).toMatchObject({
      'gen_ai.provider.name': 'openai',
      'gen_ai.request.model': 'gpt-4.1',
      'gen_ai.response.model': 'gpt-4.1',
      'gen_ai.usage.input_tokens': DEFAULT_USAGE.input,
      'gen_ai.usage.output_tokens': DEFAULT_USAGE.output,
      'gen_ai.usage.cache_read.input_tokens': DEFAULT_USAGE.cacheRead,
      'gen_ai.usage.reasoning.output_tokens': DEFAULT_USAGE.reasoning,
      'gen_ai.response.finish_reasons': ['stop'],
      'server.address': '127.0.0.1',
    });
    expect(JSON.stringify(span?.attributes)).not.toContain('sk-test-secret');
    expect(span?.attributes['gen_ai.input.messages']).toBeUndefined();
  });

  it('records usage from the final chunk of a stream, TTFT and per-chunk times', async () => {
    const usage = { input: 2000, output: 500, cacheRead: 1024, reasoning: 100 };
    const stream = await client.chat.completions.create(
      {
        model: 'gpt-4.1-mini',
        messages: [{ role: 'user', content: 'hi' }],
        stream: true,
        stream_options: { include_usage: true },
      },
      { headers: fakeHeaders({ usage, chunks: 5 }) },
    );
    let text = '';
    for await (const chunk of stream) text += chunk.choices[0]?.delta.content ?? '';
    expect(text).toContain('Hello');
    const all = await h.metrics();
    expect(tokens(all, 'input')).toBe(2000);
    expect(tokens(all, 'output')).toBe(500);
    expect(tokens(all, 'cache_read')).toBe(1024);
    expect(tokens(all, 'reasoning')).toBe(100);
    expect(count(all, TTFC)).toBe(1);
    // 5 content chunks + finish chunk + usage chunk = 7 chunks, 6 gaps
    expect(count(all, TPOC)).toBe(6);
    const expected = catalogPrice('chat', 'gpt-4.1-mini', openaiChatUsage(usage));
    expect(Math.abs(costUsd(all) - expected)).toBeLessThan(1e-9);
    const [span] = h.otel.finishedSpans();
    expect(span?.attributes['gen_ai.request.stream']).toBe(true);
    expect(typeof span?.attributes['gen_ai.response.time_to_first_chunk']).toBe('number');
    expect(sumOf(findMetric(all, ACTIVE))).toBe(0);
  });

  it('leaves a stream without usage alone by default and records no tokens', async () => {
    const stream = await client.chat.completions.create({
      model: 'gpt-4.1',
      messages: [{ role: 'user', content: 'hi' }],
      stream: true,
    });
    for await (const _ of stream) void _;
    expect(h.upstream.requests.at(-1)?.body.stream_options).toBeUndefined();
    const all = await h.metrics();
    expect(tokens(all, 'input')).toBe(0);
    expect(count(all, 'gen_ai.client.token.usage')).toBe(0);
    expect(findMetric(all, COST)).toBeUndefined();
    expect(count(all, DURATION)).toBe(1);
    expect(count(all, TTFC)).toBe(1);
  });

  it('returns the SDK objects: withResponse() and asResponse() still work', async () => {
    const { data, response, request_id } = await client.chat.completions
      .create({ model: 'gpt-4.1', messages: [{ role: 'user', content: 'hi' }] })
      .withResponse();
    expect(data.usage?.prompt_tokens).toBe(DEFAULT_USAGE.input);
    expect(response.status).toBe(200);
    expect(request_id).toBe('req_fake');
    const raw = await client.chat.completions
      .create({ model: 'gpt-4.1', messages: [{ role: 'user', content: 'hi' }] })
      .asResponse();
    const json = (await raw.json()) as { usage: { prompt_tokens: number } };
    expect(json.usage.prompt_tokens).toBe(DEFAULT_USAGE.input);
    const all = await h.metrics();
    expect(tokens(all, 'input')).toBe(2 * DEFAULT_USAGE.input);
    expect(count(all, DURATION)).toBe(2);
  });
});

describe('openai responses and embeddings', () => {
  it('records a responses call, JSON and streamed', async () => {
    const usage = { input: 300, output: 40, cacheRead: 100, reasoning: 8 };
    const r = await client.responses.create(
      { model: 'gpt-4.1', input: 'hi' },
      { headers: fakeHeaders({ usage }) },
    );
    expect(r.output_text).toContain('Hello');
    const s = await client.responses.create(
      { model: 'gpt-4.1', input: 'hi', stream: true },
      { headers: fakeHeaders({ usage }) },
    );
    for await (const _ of s) void _;
    const all = await h.metrics();
    expect(tokens(all, 'input')).toBe(600);
    expect(tokens(all, 'output')).toBe(80);
    expect(tokens(all, 'cache_read')).toBe(200);
    expect(count(all, TTFC)).toBe(1);
    const expected = 2 * catalogPrice('responses', 'gpt-4.1', openaiResponsesUsage(usage));
    expect(Math.abs(costUsd(all) - expected)).toBeLessThan(1e-9);
    expect(h.otel.finishedSpans().map((s) => s.name)).toEqual(['chat gpt-4.1', 'chat gpt-4.1']);
  });

  it('records embeddings input tokens', async () => {
    const e = await client.embeddings.create(
      { model: 'text-embedding-3-small', input: ['a', 'b'] },
      { headers: fakeHeaders({ usage: { input: 17 } }) },
    );
    expect(e.data).toHaveLength(2);
    const all = await h.metrics();
    expect(tokens(all, 'input', { 'gen_ai.operation.name': 'embeddings' })).toBe(17);
    expect(count(all, 'gen_ai.client.token.usage', { 'gen_ai.token.type': 'output' })).toBe(0);
    expect(h.otel.finishedSpans()[0]?.name).toBe('embeddings text-embedding-3-small');
    expect(costUsd(all)).toBeGreaterThan(0);
  });
});
