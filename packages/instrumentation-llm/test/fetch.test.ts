import OpenAI from 'openai';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { instrumentFetch, instrumentOpenAI } from '../src/index.js';
import { DEFAULT_USAGE, fakeHeaders, openaiChatUsage } from '../../../test-utils/llm-upstream.js';
import { calcPrice, extractUsage, findProvider } from '@pydantic/genai-prices';
import {
  ACTIVE,
  DURATION,
  TTFC,
  count,
  costUsd,
  findMetric,
  labelValuesOf,
  startHarness,
  sumOf,
  tokens,
  type Harness,
} from './helpers.js';

let h: Harness;
beforeEach(async () => {
  h = await startHarness();
});
afterEach(() => h.close());

const post = (f: typeof fetch, url: string, body: unknown, headers: Record<string, string> = {}) =>
  f(url, {
    method: 'POST',
    headers: {
      'content-type': 'application/json',
      authorization: 'Bearer sk-relay-secret',
      ...headers,
    },
    body: JSON.stringify(body),
  });

describe('instrumentFetch', () => {
  it('records a relay by base URL, priced like the provider it resells', async () => {
    const f = instrumentFetch(fetch, {
      endpoints: [
        { baseURL: h.upstream.baseURL, providerName: 'relay', catalogProvider: 'openai' },
      ],
    });
    const res = await post(f, `${h.upstream.baseURL}/chat/completions`, {
      model: 'gpt-4.1',
      messages: [{ role: 'user', content: 'hi' }],
    });
    const json = (await res.json()) as { usage: { prompt_tokens: number } };
    expect(json.usage.prompt_tokens).toBe(DEFAULT_USAGE.input);
    const sse = await post(f, `${h.upstream.baseURL}/chat/completions`, {
      model: 'gpt-4.1',
      stream: true,
      stream_options: { include_usage: true },
      messages: [{ role: 'user', content: 'hi' }],
    });
    const text = await sse.text();
    expect(text).toContain('[DONE]');
    const all = await h.metrics();
    expect(tokens(all, 'input', { 'gen_ai.provider.name': 'relay' })).toBe(2 * DEFAULT_USAGE.input);
    expect(count(all, TTFC)).toBe(1);
    const provider = findProvider({ providerId: 'openai' })!;
    const one = calcPrice(
      extractUsage(provider, { model: 'gpt-4.1', usage: openaiChatUsage(DEFAULT_USAGE) }, 'chat')
        .usage,
      'gpt-4.1',
      { providerId: 'openai' },
    )!;
    expect(
      Math.abs(costUsd(all, { 'gen_ai.provider.name': 'relay' }) - 2 * one.total_price),
    ).toBeLessThan(1e-9);
    const spans = h.otel.finishedSpans();
    expect(spans).toHaveLength(2);
    expect(JSON.stringify(spans.map((s) => s.attributes))).not.toContain('sk-relay-secret');
  });

  it('passes other requests through untouched and records HTTP errors by status', async () => {
    const f = instrumentFetch(fetch, {
      endpoints: [{ baseURL: h.upstream.baseURL, providerName: 'relay' }],
    });
    const other = await f(`${h.upstream.url}/health`);
    expect(other.status).toBe(404);
    const bad = await post(
      f,
      `${h.upstream.baseURL}/chat/completions`,
      { model: 'gpt-4.1', messages: [] },
      fakeHeaders({ scenario: 'fail-429' }),
    );
    expect(bad.status).toBe(429);
    await bad.text();
    const all = await h.metrics();
    expect(count(all, DURATION)).toBe(1);
    expect(count(all, DURATION, { 'error.type': '429' })).toBe(1);
    expect(sumOf(findMetric(all, ACTIVE))).toBe(0);
  });

  it('does not double count when an instrumented SDK client uses the instrumented fetch', async () => {
    const f = instrumentFetch(fetch, {
      endpoints: [{ baseURL: h.upstream.baseURL, providerName: 'openai' }],
    });
    const client = instrumentOpenAI(
      new OpenAI({ baseURL: h.upstream.baseURL, apiKey: 'k', maxRetries: 0, fetch: f }),
    );
    await client.chat.completions.create({
      model: 'gpt-4.1',
      messages: [{ role: 'user', content: 'hi' }],
    });
    const stream = await client.chat.completions.create({
      model: 'gpt-4.1',
      messages: [{ role: 'user', content: 'hi' }],
      stream: true,
      stream_options: { include_usage: true },
    });
    for await (const _ of stream) void _;
    const all = await h.metrics();
    expect(count(all, DURATION)).toBe(2);
    expect(tokens(all, 'input')).toBe(2 * DEFAULT_USAGE.input);
    expect(h.otel.finishedSpans()).toHaveLength(2);
  });

  it('bounds model labels a relay controls: past the cap they become _OTHER, spans keep the name', async () => {
    const f = instrumentFetch(fetch, {
      endpoints: [{ baseURL: h.upstream.baseURL, providerName: 'relay' }],
      maxModels: 3,
    });
    for (let i = 0; i < 10; i++) {
      const res = await post(
        f,
        `${h.upstream.baseURL}/chat/completions`,
        { model: 'gpt-4.1', messages: [] },
        fakeHeaders({ responseModel: `evil-${i}` }),
      );
      await res.text();
    }
    const all = await h.metrics();
    const models = labelValuesOf(all, DURATION, 'gen_ai.response.model');
    expect(models.size).toBeLessThanOrEqual(3);
    expect(models.has('_OTHER')).toBe(true);
    expect(count(all, DURATION)).toBe(10);
    expect(h.otel.finishedSpans().map((s) => s.attributes['gen_ai.response.model'])).toContain(
      'evil-9',
    );
  });

  it('keeps an allow-list of models when given one', async () => {
    const f = instrumentFetch(fetch, {
      endpoints: [{ baseURL: h.upstream.baseURL, providerName: 'relay' }],
      models: ['gpt-4.1'],
    });
    const res = await post(f, `${h.upstream.baseURL}/chat/completions`, {
      model: 'surprise',
      messages: [],
    });
    await res.text();
    const res2 = await post(f, `${h.upstream.baseURL}/chat/completions`, {
      model: 'gpt-4.1',
      messages: [],
    });
    await res2.text();
    const all = await h.metrics();
    expect([...labelValuesOf(all, DURATION, 'gen_ai.request.model')].sort()).toEqual([
      '_OTHER',
      'gpt-4.1',
    ]);
  });
});
