import Anthropic from '@anthropic-ai/sdk';
import { createOpenAI } from '@ai-sdk/openai';
import { ChatOpenAI } from '@langchain/openai';
import { generateText } from 'ai';
import OpenAI from 'openai';
import OpenAI7 from 'openai7';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import {
  DEFAULT_USAGE,
  openaiChatUsage,
  openaiResponsesUsage,
  startFakeUpstream,
  type FakeUpstream,
} from '../../../test-utils/llm-upstream.js';
import {
  LlmInstrumentation,
  instrumentAnthropic,
  instrumentFetch,
  instrumentOpenAI,
} from '../src/index.js';
import { DURATION, count, costUsd, tokens } from './helpers.js';
import { expectedCost, spansSettled, startWireHarness, type WireHarness } from './wire-helpers.js';

/*
 * Exactly once: SDK-level hooks (openai 6 and 7, @anthropic-ai/sdk, and
 * @langchain/openai through openai) and the manual instrumentFetch() run with
 * the wire capture on, against an endpoint the wire capture recognises.
 */
let up: FakeUpstream;
let h: WireHarness;
beforeEach(async () => {
  up = await startFakeUpstream();
  h = startWireHarness({ endpoints: [{ baseURL: up.url, providerName: 'openai' }] });
});
afterEach(async () => {
  await h.close();
  await up.close();
});

const chatCost = () =>
  expectedCost('openai', 'gpt-4.1', { usage: openaiChatUsage(DEFAULT_USAGE) }, 'chat');

describe('each call recorded once with wire capture on', () => {
  it('openai 6 and openai 7 (SDK hook), streamed and not', async () => {
    for (const Client of [OpenAI, OpenAI7] as (typeof OpenAI)[]) {
      const client = instrumentOpenAI(
        new Client({ baseURL: up.baseURL, apiKey: 'k', maxRetries: 0 }),
      );
      await client.chat.completions.create({
        model: 'gpt-4.1',
        messages: [{ role: 'user', content: 'hi' }],
      });
      const s = await client.chat.completions.create({
        model: 'gpt-4.1',
        messages: [{ role: 'user', content: 'hi' }],
        stream: true,
        stream_options: { include_usage: true },
      });
      for await (const _ of s) void _;
    }
    const spans = await spansSettled(h, 4);
    expect(spans).toHaveLength(4);
    const all = await h.metrics();
    expect(count(all, DURATION)).toBe(4);
    expect(tokens(all, 'input')).toBe(4 * DEFAULT_USAGE.input);
    expect(Math.abs(costUsd(all) - 4 * chatCost())).toBeLessThan(1e-9);
  });

  it('@anthropic-ai/sdk (SDK hook, its own span enriched)', async () => {
    const client = instrumentAnthropic(
      new Anthropic({ baseURL: up.url, apiKey: 'k', maxRetries: 0 }),
    );
    await client.messages.create({
      model: 'claude-sonnet-4-5',
      max_tokens: 10,
      messages: [{ role: 'user', content: 'hi' }],
    });
    await new Promise((r) => setTimeout(r, 20));
    const all = await h.metrics();
    expect(count(all, DURATION)).toBe(1);
    expect(tokens(all, 'input')).toBe(DEFAULT_USAGE.input);
    expect(
      h.spans().length +
        h.otel.finishedSpans().filter((s) => s.name.startsWith('anthropic.')).length,
    ).toBe(1);
  });

  it('@langchain/openai: once (on the wire here; through the openai hook under zero-code, see zero-code.test.ts)', async () => {
    const llm = new ChatOpenAI({
      model: 'gpt-4.1',
      apiKey: 'k',
      maxRetries: 0,
      configuration: { baseURL: up.baseURL },
    });
    const res = await llm.invoke('hi');
    expect(res.content).toContain('Hello');
    const spans = await spansSettled(h, 1);
    expect(spans).toHaveLength(1);
    const all = await h.metrics();
    expect(count(all, DURATION)).toBe(1);
    expect(tokens(all, 'input')).toBe(DEFAULT_USAGE.input);
  });

  it('instrumentFetch() passed as the AI SDK provider fetch (manual) is not recorded again on the wire', async () => {
    const f = instrumentFetch(fetch, {
      endpoints: [{ baseURL: up.baseURL, providerName: 'openai' }],
    });
    const openai = createOpenAI({ baseURL: up.baseURL, apiKey: 'k', fetch: f });
    await generateText({ model: openai('gpt-4.1'), prompt: 'hi' });
    const spans = await spansSettled(h, 1);
    await new Promise((r) => setTimeout(r, 20));
    expect(spans).toHaveLength(1);
    const all = await h.metrics();
    expect(count(all, DURATION)).toBe(1);
    const want = expectedCost(
      'openai',
      'gpt-4.1',
      { usage: openaiResponsesUsage(DEFAULT_USAGE) },
      'responses',
    );
    expect(Math.abs(costUsd(all) - want)).toBeLessThan(1e-9);
  });

  it('a second LlmInstrumentation enabled next to the first does not record wire calls again', async () => {
    const second = new LlmInstrumentation({
      enabled: false,
      endpoints: [{ baseURL: up.url, providerName: 'openai' }],
    });
    second.setTracerProvider(h.otel.tracerProvider);
    second.setMeterProvider(h.otel.meterProvider);
    second.enable();
    try {
      for (const stream of [false, true]) {
        const res = await fetch(`${up.baseURL}/chat/completions`, {
          method: 'POST',
          headers: { 'content-type': 'application/json' },
          body: JSON.stringify({
            model: 'gpt-4.1',
            messages: [],
            stream,
            stream_options: stream ? { include_usage: true } : undefined,
          }),
        });
        await res.text();
      }
      await spansSettled(h, 2);
      await new Promise((r) => setTimeout(r, 20));
      expect(h.spans()).toHaveLength(2);
      const all = await h.metrics();
      expect(count(all, DURATION)).toBe(2);
      expect(tokens(all, 'input')).toBe(2 * DEFAULT_USAGE.input);
    } finally {
      second.disable();
    }
  });
});
