import { createAnthropic } from '@ai-sdk/anthropic';
import { createGoogleGenerativeAI } from '@ai-sdk/google';
import { createOpenAI } from '@ai-sdk/openai';
import { embed, generateText, streamText } from 'ai';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import {
  DEFAULT_USAGE,
  anthropicUsage,
  openaiChatUsage,
  openaiResponsesUsage,
  startFakeUpstream,
  type FakeUpstream,
} from '../../../test-utils/llm-upstream.js';
import { startGeminiUpstream, type WireUpstream } from '../../../test-utils/llm-wire-upstreams.js';
import { DURATION, TTFC, count, costUsd, tokens } from './helpers.js';
import { expectedCost, spansSettled, startWireHarness, type WireHarness } from './wire-helpers.js';

let oa: FakeUpstream;
let an: FakeUpstream;
let gm: WireUpstream;
let h: WireHarness;
beforeEach(async () => {
  [oa, an, gm] = await Promise.all([
    startFakeUpstream(),
    startFakeUpstream(),
    startGeminiUpstream(),
  ]);
  h = startWireHarness({
    endpoints: [
      { baseURL: oa.baseURL, providerName: 'openai' },
      { baseURL: an.url, providerName: 'anthropic' },
      { baseURL: gm.url, providerName: 'gcp.gemini' },
    ],
  });
});
afterEach(async () => {
  await h.close();
  await Promise.all([oa.close(), an.close(), gm.close()]);
});

const near = (a: number, b: number) => expect(Math.abs(a - b)).toBeLessThan(1e-9);
const drain = async (r: { textStream: AsyncIterable<string> }) => {
  let t = '';
  for await (const s of r.textStream) t += s;
  return t;
};

describe('Vercel AI SDK (ai 6) on the wire, zero-code', () => {
  it('@ai-sdk/openai: generateText, streamText (responses and chat) and embed', async () => {
    const openai = createOpenAI({ baseURL: oa.baseURL, apiKey: 'k' });
    const r = await generateText({ model: openai('gpt-4.1'), prompt: 'hi' });
    expect(r.usage.inputTokens).toBe(DEFAULT_USAGE.input);
    expect(await drain(streamText({ model: openai('gpt-4.1'), prompt: 'hi' }))).toContain('Hello');
    expect(await drain(streamText({ model: openai.chat('gpt-4.1'), prompt: 'hi' }))).toContain(
      'Hello',
    );
    await embed({ model: openai.embedding('text-embedding-3-small'), value: 'hi' });
    const spans = await spansSettled(h, 4);
    expect(spans).toHaveLength(4);
    const all = await h.metrics();
    expect(tokens(all, 'input')).toBe(4 * DEFAULT_USAGE.input);
    expect(tokens(all, 'output')).toBe(3 * DEFAULT_USAGE.output);
    expect(count(all, DURATION)).toBe(4);
    expect(count(all, TTFC)).toBe(2);
    const responses = expectedCost(
      'openai',
      'gpt-4.1',
      { usage: openaiResponsesUsage(DEFAULT_USAGE) },
      'responses',
    );
    const chat = expectedCost(
      'openai',
      'gpt-4.1',
      { usage: openaiChatUsage(DEFAULT_USAGE) },
      'chat',
    );
    const emb = expectedCost(
      'openai',
      'text-embedding-3-small',
      { usage: { prompt_tokens: DEFAULT_USAGE.input, total_tokens: DEFAULT_USAGE.input } },
      'embeddings',
    );
    near(costUsd(all), 2 * responses + chat + emb);
    expect(spans.every((s) => s.attributes['gen_ai.provider.name'] === 'openai')).toBe(true);
  });

  it('@ai-sdk/anthropic: generateText and streamText', async () => {
    const anthropic = createAnthropic({ baseURL: `${an.url}/v1`, apiKey: 'k' });
    const model = 'claude-sonnet-4-5';
    await generateText({ model: anthropic(model), prompt: 'hi' });
    expect(await drain(streamText({ model: anthropic(model), prompt: 'hi' }))).toContain('Hello');
    const spans = await spansSettled(h, 2);
    expect(spans).toHaveLength(2);
    const all = await h.metrics();
    expect(tokens(all, 'input')).toBe(2 * DEFAULT_USAGE.input);
    expect(tokens(all, 'cache_write')).toBe(2 * DEFAULT_USAGE.cacheCreation);
    expect(count(all, TTFC)).toBe(1);
    near(
      costUsd(all),
      2 * expectedCost('anthropic', model, { usage: anthropicUsage(DEFAULT_USAGE) }),
    );
  });

  it('@ai-sdk/google: generateText, streamText and embed (Gemini sends no embedding usage)', async () => {
    const google = createGoogleGenerativeAI({ baseURL: `${gm.url}/v1beta`, apiKey: 'k' });
    const model = 'gemini-2.5-flash';
    await generateText({ model: google(model), prompt: 'hi' });
    expect(await drain(streamText({ model: google(model), prompt: 'hi' }))).toContain('Hello');
    await embed({ model: google.embedding('gemini-embedding-001'), value: 'hi' });
    const spans = await spansSettled(h, 3);
    expect(spans.map((s) => s.name)).toEqual([
      `generate_content ${model}`,
      `generate_content ${model}`,
      'embeddings gemini-embedding-001',
    ]);
    const all = await h.metrics();
    expect(tokens(all, 'input')).toBe(2 * DEFAULT_USAGE.input);
    expect(count(all, TTFC)).toBe(1);
    near(costUsd(all), 2 * expectedCost('google', model, { usageMetadata: gm.sent[0]!.usage }));
  });

  it('with experimental_telemetry on, the AI SDK span is enriched and no second span is made', async () => {
    const openai = createOpenAI({ baseURL: oa.baseURL, apiKey: 'k' });
    await generateText({
      model: openai('gpt-4.1'),
      prompt: 'hi',
      experimental_telemetry: { isEnabled: true },
    });
    await drain(
      streamText({
        model: openai('gpt-4.1'),
        prompt: 'hi',
        experimental_telemetry: { isEnabled: true },
      }),
    );
    await new Promise((r) => setTimeout(r, 50));
    expect(h.spans()).toHaveLength(0);
    const all = await h.metrics();
    expect(count(all, DURATION)).toBe(2);
    expect(tokens(all, 'input')).toBe(2 * DEFAULT_USAGE.input);
    const inner = h.otel
      .finishedSpans()
      .filter(
        (s) => s.name === 'ai.generateText.doGenerate' || s.name === 'ai.streamText.doStream',
      );
    expect(inner).toHaveLength(2);
    const cost = expectedCost(
      'openai',
      'gpt-4.1',
      { usage: openaiResponsesUsage(DEFAULT_USAGE) },
      'responses',
    );
    expect(inner[0]!.attributes['mcpmeter.cost.usd']).toBeCloseTo(cost, 12);
  });
});
