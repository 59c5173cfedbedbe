import Anthropic from '@anthropic-ai/sdk';
import { SpanKind } from '@opentelemetry/api';
import { calcPrice, extractUsage, findProvider } from '@pydantic/genai-prices';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { instrumentAnthropic } from '../src/index.js';
import { DEFAULT_USAGE, anthropicUsage, fakeHeaders } from '../../../test-utils/llm-upstream.js';
import {
  ACTIVE,
  DURATION,
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
beforeEach(async () => {
  h = await startHarness();
});
afterEach(() => h.close());

const MODEL = 'claude-sonnet-4-6';

function catalogPrice(usage: Record<string, unknown>): number {
  const provider = findProvider({ providerId: 'anthropic' })!;
  const extracted = extractUsage(provider, { model: MODEL, usage });
  return calcPrice(extracted.usage, MODEL, { providerId: 'anthropic' })!.total_price;
}

const clientSpans = (h: Harness) =>
  h.otel.finishedSpans().filter((s) => s.kind === SpanKind.CLIENT);

describe('anthropic messages', () => {
  it('adds cache reads and writes to input tokens (Anthropic excludes them) and prices like the catalog', async () => {
    const client = instrumentAnthropic(
      new Anthropic({ baseURL: h.upstream.url, apiKey: 'sk-ant-secret', maxRetries: 0 }),
    );
    const msg = await client.messages.create({
      model: MODEL,
      max_tokens: 64,
      messages: [{ role: 'user', content: 'hi' }],
    });
    expect(msg.usage.input_tokens).toBe(
      DEFAULT_USAGE.input - DEFAULT_USAGE.cacheRead - DEFAULT_USAGE.cacheCreation,
    );
    const all = await h.metrics();
    expect(tokens(all, 'input')).toBe(DEFAULT_USAGE.input);
    expect(tokens(all, 'output')).toBe(DEFAULT_USAGE.output);
    expect(tokens(all, 'cache_read')).toBe(DEFAULT_USAGE.cacheRead);
    expect(tokens(all, 'cache_write')).toBe(DEFAULT_USAGE.cacheCreation);
    expect(Math.abs(costUsd(all) - catalogPrice(anthropicUsage(DEFAULT_USAGE)))).toBeLessThan(1e-9);
  });

  it("defers to the SDK's own span: one CLIENT span per call, enriched with usage and cost", async () => {
    const client = instrumentAnthropic(
      new Anthropic({ baseURL: h.upstream.url, apiKey: 'k', maxRetries: 0 }),
    );
    await client.messages.create({
      model: MODEL,
      max_tokens: 64,
      messages: [{ role: 'user', content: 'hi' }],
    });
    const stream = await client.messages.create({
      model: MODEL,
      max_tokens: 64,
      messages: [{ role: 'user', content: 'hi' }],
      stream: true,
    });
    for await (const _ of stream) void _;
    const helper = client.messages.stream({
      model: MODEL,
      max_tokens: 64,
      messages: [{ role: 'user', content: 'hi' }],
    });
    await helper.finalMessage();
    const spans = clientSpans(h);
    expect(spans).toHaveLength(3);
    for (const span of spans) {
      expect(span.instrumentationScope.name).toBe('com.anthropic.sdk.typescript');
      expect(span.attributes['gen_ai.usage.input_tokens']).toBe(DEFAULT_USAGE.input);
      expect(span.attributes['mcpmeter.cost.usd']).toBeCloseTo(
        catalogPrice(anthropicUsage(DEFAULT_USAGE)),
        12,
      );
    }
    const all = await h.metrics();
    expect(count(all, DURATION, { 'gen_ai.provider.name': 'anthropic' })).toBe(3);
    expect(count(all, TTFC)).toBe(2);
    expect(sumOf(findMetric(all, ACTIVE))).toBe(0);
  });

  it("starts its own span when the SDK's tracing is off", async () => {
    const client = instrumentAnthropic(
      new Anthropic({ baseURL: h.upstream.url, apiKey: 'k', maxRetries: 0, openTelemetry: false }),
    );
    const stream = client.messages.stream({
      model: MODEL,
      max_tokens: 64,
      messages: [{ role: 'user', content: 'hi' }],
    });
    const final = await stream.finalMessage();
    expect(final.content[0]).toMatchObject({ type: 'text' });
    const spans = clientSpans(h);
    expect(spans).toHaveLength(1);
    expect(spans[0]?.name).toBe(`chat ${MODEL}`);
    expect(spans[0]?.instrumentationScope.name).toBe('@mcpmeter/instrumentation-llm');
    expect(spans[0]?.attributes).toMatchObject({
      'gen_ai.provider.name': 'anthropic',
      'gen_ai.usage.input_tokens': DEFAULT_USAGE.input,
      'gen_ai.usage.cache_write.input_tokens': DEFAULT_USAGE.cacheCreation,
      'gen_ai.response.finish_reasons': ['end_turn'],
    });
    const all = await h.metrics();
    expect(tokens(all, 'output')).toBe(DEFAULT_USAGE.output);
    expect(count(all, TTFC)).toBe(1);
  });

  it('records a stream error event as stream_error', async () => {
    const client = instrumentAnthropic(
      new Anthropic({ baseURL: h.upstream.url, apiKey: 'k', maxRetries: 0, openTelemetry: false }),
    );
    const stream = await client.messages.create(
      { model: MODEL, max_tokens: 64, messages: [{ role: 'user', content: 'hi' }], stream: true },
      { headers: fakeHeaders({ scenario: 'error-event' }) },
    );
    await expect(async () => {
      for await (const _ of stream) void _;
    }).rejects.toThrow();
    const all = await h.metrics();
    expect(count(all, DURATION, { 'error.type': 'stream_error' })).toBe(1);
    expect(sumOf(findMetric(all, ACTIVE))).toBe(0);
  });
});
