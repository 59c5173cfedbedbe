import OpenAI from 'openai';
import { SpanStatusCode } from '@opentelemetry/api';
import Anthropic from '@anthropic-ai/sdk';
import { createServer } from 'node:net';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { instrumentAnthropic, instrumentOpenAI } from '../src/index.js';
import { DEFAULT_USAGE, fakeHeaders } from '../../../test-utils/llm-upstream.js';
import {
  ACTIVE,
  DURATION,
  count,
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

const chat = (
  client: OpenAI,
  headers: Record<string, string>,
  extra: Partial<OpenAI.ChatCompletionCreateParamsNonStreaming> = {},
) =>
  client.chat.completions.create(
    { model: 'gpt-4.1', messages: [{ role: 'user', content: 'hi' }], ...extra },
    { headers },
  );

async function activeIsZero() {
  expect(sumOf(findMetric(await h.metrics(), ACTIVE))).toBe(0);
}

describe('error.type', () => {
  it('gives 429, 500, 400, timeout and connection failures distinct values', async () => {
    // Only the hanging call needs a short client timeout: on a loaded machine even a
    // 429 can take longer than that to come back.
    const client = instrumentOpenAI(
      new OpenAI({ baseURL: h.upstream.baseURL, apiKey: 'k', maxRetries: 0 }),
    );
    const impatient = instrumentOpenAI(
      new OpenAI({ baseURL: h.upstream.baseURL, apiKey: 'k', maxRetries: 0, timeout: 200 }),
    );
    await expect(chat(client, fakeHeaders({ scenario: 'fail-429' }))).rejects.toThrow(
      OpenAI.RateLimitError,
    );
    await expect(chat(client, fakeHeaders({ scenario: 'fail-500' }))).rejects.toThrow(
      OpenAI.InternalServerError,
    );
    await expect(chat(client, fakeHeaders({ scenario: 'fail-400' }))).rejects.toThrow(
      OpenAI.BadRequestError,
    );
    await expect(chat(impatient, fakeHeaders({ scenario: 'hang' }))).rejects.toThrow(
      OpenAI.APIConnectionTimeoutError,
    );
    // a port nobody listens on
    const port = await new Promise<number>((r) => {
      const s = createServer().listen(0, '127.0.0.1', () => {
        const p = (s.address() as { port: number }).port;
        s.close(() => r(p));
      });
    });
    const dead = instrumentOpenAI(
      new OpenAI({ baseURL: `http://127.0.0.1:${port}/v1`, apiKey: 'k', maxRetries: 0 }),
    );
    await expect(chat(dead, {})).rejects.toThrow(OpenAI.APIConnectionError);
    const all = await h.metrics();
    for (const type of ['429', '500', '400', 'timeout', 'connection_error']) {
      expect(count(all, DURATION, { 'error.type': type }), type).toBe(1);
    }
    expect(count(all, DURATION)).toBe(5);
    const spans = h.otel.finishedSpans();
    expect(spans.map((s) => s.attributes['error.type'])).toEqual([
      '429',
      '500',
      '400',
      'timeout',
      'connection_error',
    ]);
    expect(spans.every((s) => s.status.code === SpanStatusCode.ERROR)).toBe(true);
    await activeIsZero();
  });

  it('makes SDK retries visible: one span with http.request.resend_count and a failed-attempt event', async () => {
    const client = instrumentOpenAI(
      new OpenAI({ baseURL: h.upstream.baseURL, apiKey: 'k', maxRetries: 2 }),
    );
    const res = await chat(client, fakeHeaders({ scenario: 'flaky-429', key: 'retry-1' }));
    expect(res.usage?.prompt_tokens).toBe(DEFAULT_USAGE.input);
    const spans = h.otel.finishedSpans();
    expect(spans).toHaveLength(1);
    expect(spans[0]?.attributes['http.request.resend_count']).toBe(1);
    expect(spans[0]?.attributes['error.type']).toBeUndefined();
    expect(spans[0]?.events.map((e) => [e.name, e.attributes?.['error.type']])).toEqual([
      ['mcpmeter.llm.attempt_failed', '429'],
    ]);
    const all = await h.metrics();
    expect(count(all, DURATION)).toBe(1);
    expect(tokens(all, 'input')).toBe(DEFAULT_USAGE.input);
    expect(h.upstream.requests.filter((r) => r.headers['x-fake-key'] === 'retry-1')).toHaveLength(
      2,
    );
  });

  it('counts every attempt when retries run out', async () => {
    const client = instrumentOpenAI(
      new OpenAI({ baseURL: h.upstream.baseURL, apiKey: 'k', maxRetries: 2 }),
    );
    await expect(chat(client, fakeHeaders({ scenario: 'fail-500' }))).rejects.toThrow();
    const [span] = h.otel.finishedSpans();
    expect(span?.attributes['http.request.resend_count']).toBe(2);
    expect(span?.events).toHaveLength(3);
    expect(span?.attributes['error.type']).toBe('500');
    await activeIsZero();
  });
});

describe('aborted and broken streams', () => {
  it('ends the span when the reader breaks out early, with no error and what it saw', async () => {
    const client = instrumentOpenAI(
      new OpenAI({ baseURL: h.upstream.baseURL, apiKey: 'k', maxRetries: 0 }),
    );
    const stream = await client.chat.completions.create(
      {
        model: 'gpt-4.1',
        messages: [{ role: 'user', content: 'hi' }],
        stream: true,
        stream_options: { include_usage: true },
      },
      { headers: fakeHeaders({ chunks: 50, delayMs: 2 }) },
    );
    let n = 0;
    for await (const _ of stream) if (++n === 3) break;
    await new Promise((r) => setTimeout(r, 50));
    const [span] = h.otel.finishedSpans();
    expect(span).toBeDefined();
    expect(span?.status.code).toBe(0);
    expect(span?.attributes['error.type']).toBeUndefined();
    const all = await h.metrics();
    expect(count(all, DURATION)).toBe(1);
    expect(count(all, 'gen_ai.client.operation.time_to_first_chunk')).toBe(1);
    expect(tokens(all, 'input')).toBe(0); // the usage chunk never came
    await activeIsZero();
  });

  it('ends the span when the caller aborts with an AbortController', async () => {
    const client = instrumentOpenAI(
      new OpenAI({ baseURL: h.upstream.baseURL, apiKey: 'k', maxRetries: 0 }),
    );
    const ac = new AbortController();
    const stream = await client.chat.completions.create(
      { model: 'gpt-4.1', messages: [{ role: 'user', content: 'hi' }], stream: true },
      { headers: fakeHeaders({ chunks: 50, delayMs: 5 }), signal: ac.signal },
    );
    let n = 0;
    try {
      for await (const _ of stream) if (++n === 2) ac.abort();
    } catch {
      // openai ends the iteration quietly on abort; other versions throw APIUserAbortError
    }
    expect(n).toBeLessThan(50);
    await new Promise((r) => setTimeout(r, 50));
    const spans = h.otel.finishedSpans();
    expect(spans).toHaveLength(1);
    expect(spans[0]?.attributes['error.type']).toBeUndefined();
    const all = await h.metrics();
    expect(count(all, DURATION)).toBe(1);
    await activeIsZero();
  });

  it('marks a stream cut by the server as stream_incomplete or connection_error', async () => {
    const client = instrumentOpenAI(
      new OpenAI({ baseURL: h.upstream.baseURL, apiKey: 'k', maxRetries: 0 }),
    );
    const stream = await client.chat.completions.create(
      { model: 'gpt-4.1', messages: [{ role: 'user', content: 'hi' }], stream: true },
      { headers: fakeHeaders({ scenario: 'cut', chunks: 10 }) },
    );
    try {
      for await (const _ of stream) void _;
    } catch {
      // undici may report the cut as a body error
    }
    await new Promise((r) => setTimeout(r, 50));
    const [span] = h.otel.finishedSpans();
    expect(['stream_incomplete', 'connection_error']).toContain(span?.attributes['error.type']);
    const all = await h.metrics();
    expect(count(all, DURATION)).toBe(1);
    expect(count(all, 'gen_ai.client.operation.time_to_first_chunk')).toBe(1);
    await activeIsZero();
  });

  it('records what an aborted Anthropic stream saw (input tokens from message_start)', async () => {
    const client = instrumentAnthropic(
      new Anthropic({ baseURL: h.upstream.url, apiKey: 'k', maxRetries: 0, openTelemetry: false }),
    );
    const stream = await client.messages.create(
      {
        model: 'claude-sonnet-4-6',
        max_tokens: 64,
        messages: [{ role: 'user', content: 'hi' }],
        stream: true,
      },
      { headers: fakeHeaders({ chunks: 40, delayMs: 2 }) },
    );
    let n = 0;
    for await (const _ of stream) if (++n === 4) break;
    await new Promise((r) => setTimeout(r, 50));
    const all = await h.metrics();
    expect(tokens(all, 'input')).toBe(DEFAULT_USAGE.input);
    expect(count(all, DURATION)).toBe(1);
    await activeIsZero();
  });
});
