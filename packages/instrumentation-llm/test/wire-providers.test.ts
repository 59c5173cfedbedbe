import { createGoogleGenerativeAI } from '@ai-sdk/google';
import { generateText } from 'ai';
import { Ollama } from 'ollama';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import {
  DEFAULT_USAGE,
  openaiChatUsage,
  startFakeUpstream,
  type FakeUpstream,
} from '../../../test-utils/llm-upstream.js';
import {
  startGeminiUpstream,
  startOllamaUpstream,
  type WireUpstream,
} from '../../../test-utils/llm-wire-upstreams.js';
import { instrumentFetch } from '../src/index.js';
import { DURATION, TTFC, count, costUsd, startHarness, tokens, type Harness } from './helpers.js';
import { expectedCost, spansSettled, startWireHarness, type WireHarness } from './wire-helpers.js';

/*
 * Every OpenAI-format provider is priced from its own genai-prices provider:
 * the gen_ai.provider.name given for an endpoint picks it.
 */
describe('cost per provider (OpenAI wire format)', () => {
  let up: FakeUpstream;
  let h: WireHarness;
  beforeEach(async () => {
    up = await startFakeUpstream();
  });
  afterEach(async () => {
    await h.close();
    await up.close();
  });

  it.each([
    ['openai', 'openai', 'gpt-4.1', 'chat'],
    ['azure.ai.openai', 'azure', 'gpt-4.1', 'chat'],
    ['mistral_ai', 'mistral', 'mistral-large-latest', 'default'],
    ['groq', 'groq', 'llama-3.3-70b-versatile', 'default'],
    ['deepseek', 'deepseek', 'deepseek-chat', 'chat'],
    ['x_ai', 'x-ai', 'grok-4', 'chat'],
    ['openrouter', 'openrouter', 'openai/gpt-4.1', 'chat'],
  ])('%s (genai-prices %s, %s)', async (provider, catalogId, model, flavor) => {
    h = startWireHarness({ endpoints: [{ baseURL: up.baseURL, providerName: provider }] });
    const res = await fetch(`${up.baseURL}/chat/completions`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ model, messages: [{ role: 'user', content: 'hi' }] }),
    });
    await res.json();
    const [span] = await spansSettled(h, 1);
    expect(span?.attributes['gen_ai.provider.name']).toBe(provider);
    const all = await h.metrics();
    expect(tokens(all, 'input')).toBe(DEFAULT_USAGE.input);
    const want = expectedCost(catalogId, model, { usage: openaiChatUsage(DEFAULT_USAGE) }, flavor);
    expect(want).toBeGreaterThan(0);
    expect(Math.abs(costUsd(all) - want)).toBeLessThan(1e-9);
  });
});

describe('manual: instrumentFetch as the client fetch, no zero-code instrumentation', () => {
  let h: Harness;
  let up: WireUpstream;
  beforeEach(async () => {
    h = await startHarness();
  });
  afterEach(async () => {
    await up.close();
    await h.close();
  });

  it('ollama with { fetch }: NDJSON stream and JSON', async () => {
    up = await startOllamaUpstream();
    const f = instrumentFetch(fetch, { endpoints: [{ baseURL: up.url, providerName: 'ollama' }] });
    const ollama = new Ollama({ host: up.url, fetch: f });
    await ollama.chat({ model: 'llama3.2', messages: [{ role: 'user', content: 'hi' }] });
    for await (const _ of await ollama.chat({
      model: 'llama3.2',
      messages: [{ role: 'user', content: 'hi' }],
      stream: true,
    }))
      void _;
    for (let i = 0; i < 200 && h.otel.finishedSpans().length < 2; i++)
      await new Promise((r) => setTimeout(r, 10));
    const all = await h.metrics();
    expect(count(all, DURATION)).toBe(2);
    expect(count(all, TTFC)).toBe(1);
    expect(tokens(all, 'output')).toBe(2 * DEFAULT_USAGE.output);
    expect(h.otel.finishedSpans()).toHaveLength(2);
  });

  it('@ai-sdk/google with { fetch }', async () => {
    up = await startGeminiUpstream();
    const f = instrumentFetch(fetch, {
      endpoints: [{ baseURL: up.url, providerName: 'gcp.gemini' }],
    });
    const google = createGoogleGenerativeAI({ baseURL: `${up.url}/v1beta`, apiKey: 'k', fetch: f });
    await generateText({ model: google('gemini-2.5-flash'), prompt: 'hi' });
    const all = await h.metrics();
    expect(tokens(all, 'input')).toBe(DEFAULT_USAGE.input);
    const want = expectedCost('google', 'gemini-2.5-flash', { usageMetadata: up.sent[0]!.usage });
    expect(Math.abs(costUsd(all) - want)).toBeLessThan(1e-9);
    expect(h.otel.finishedSpans()).toHaveLength(1);
  });
});
