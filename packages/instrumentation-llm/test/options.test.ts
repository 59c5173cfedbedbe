import OpenAI from 'openai';
import { context } from '@opentelemetry/api';
import { countTokens } from 'gpt-tokenizer';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { instrumentOpenAI } from '../src/index.js';
import { DEFAULT_USAGE, fakeHeaders } from '../../../test-utils/llm-upstream.js';
import {
  ACTIVE,
  COST,
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

const newClient = (options: Parameters<typeof instrumentOpenAI>[1]) =>
  instrumentOpenAI(
    new OpenAI({ baseURL: h.upstream.baseURL, apiKey: 'sk-secret-key', maxRetries: 0 }),
    options,
  );

describe('content capture', () => {
  it('is off by default', async () => {
    await newClient({}).chat.completions.create({
      model: 'gpt-4.1',
      messages: [{ role: 'user', content: 'my secret prompt' }],
    });
    const attrs = JSON.stringify(h.otel.finishedSpans()[0]?.attributes);
    expect(attrs).not.toContain('my secret prompt');
    expect(attrs).not.toContain('Hello from');
  });

  it('records input and output messages when opted in, redacted and capped, never the API key', async () => {
    const client = newClient({
      captureContent: { maxLength: 120, redact: (text) => text.replace(/\d{4}-\d{4}/g, '[card]') },
    });
    const s = await client.chat.completions.create(
      {
        model: 'gpt-4.1',
        messages: [{ role: 'user', content: 'pay with 1234-5678 please' }],
        stream: true,
      },
      { headers: fakeHeaders({ chunks: 40 }) },
    );
    for await (const _ of s) void _;
    const span = h.otel.finishedSpans()[0]!;
    const input = String(span.attributes['gen_ai.input.messages']);
    const output = String(span.attributes['gen_ai.output.messages']);
    expect(input).toContain('[card]');
    expect(input).not.toContain('1234-5678');
    expect(output.length).toBeLessThanOrEqual(120);
    expect(output).toContain('…[truncated]');
    expect(output.startsWith('[{"role":"assistant"')).toBe(true);
    expect(JSON.stringify(span.attributes)).not.toContain('sk-secret-key');
  });

  it('records nothing when the redaction hook throws', async () => {
    const client = newClient({
      captureContent: {
        redact: () => {
          throw new Error('boom');
        },
      },
    });
    const res = await client.chat.completions.create({
      model: 'gpt-4.1',
      messages: [{ role: 'user', content: 'x' }],
    });
    expect(res.choices).toHaveLength(1);
    const span = h.otel.finishedSpans()[0]!;
    expect(span.attributes['gen_ai.input.messages']).toBeUndefined();
    expect(span.attributes['gen_ai.output.messages']).toBeUndefined();
  });
});

describe('streams without usage', () => {
  it('includeStreamUsage adds stream_options.include_usage to the request', async () => {
    const client = newClient({ includeStreamUsage: true });
    const s = await client.chat.completions.create({
      model: 'gpt-4.1',
      messages: [{ role: 'user', content: 'hi' }],
      stream: true,
    });
    for await (const _ of s) void _;
    expect(h.upstream.requests.at(-1)?.body.stream_options).toEqual({ include_usage: true });
    expect(tokens(await h.metrics(), 'input')).toBe(DEFAULT_USAGE.input);
  });

  it('estimates tokens with a tokenizer when asked, labels them estimated and does not price them', async () => {
    const client = newClient({ tokenEstimator: (text) => countTokens(text) });
    const prompt = 'Count the tokens of this prompt, please.';
    const s = await client.chat.completions.create(
      { model: 'gpt-4.1', messages: [{ role: 'user', content: prompt }], stream: true },
      { headers: fakeHeaders({ chunks: 6 }) },
    );
    let text = '';
    for await (const c of s) text += c.choices[0]?.delta.content ?? '';
    const all = await h.metrics();
    const expectedOutput = ['Hello', ' from', ' the', ' fake', ' upstream', '.'].reduce(
      (a, w) => a + countTokens(w),
      0,
    );
    expect(text).toBe('Hello from the fake upstream.');
    expect(tokens(all, 'output', { 'mcpmeter.tokens.estimated': 'true' })).toBe(expectedOutput);
    expect(tokens(all, 'input', { 'mcpmeter.tokens.estimated': 'true' })).toBe(countTokens(prompt));
    expect(findMetric(all, COST)).toBeUndefined();
    expect(h.otel.finishedSpans()[0]?.attributes['mcpmeter.tokens.estimated']).toBe(true);
  });

  it('reported usage is never labelled estimated', async () => {
    const client = newClient({ tokenEstimator: (text) => countTokens(text) });
    await client.chat.completions.create({
      model: 'gpt-4.1',
      messages: [{ role: 'user', content: 'hi' }],
    });
    const all = await h.metrics();
    expect(tokens(all, 'input', { 'mcpmeter.tokens.estimated': 'true' })).toBe(0);
    expect(tokens(all, 'input')).toBe(DEFAULT_USAGE.input);
  });
});

describe('without a context manager', () => {
  it('leaves SDK calls uninstrumented instead of leaking open spans', async () => {
    const client = newClient({});
    context.disable();
    const res = await client.chat.completions.create({
      model: 'gpt-4.1',
      messages: [{ role: 'user', content: 'hi' }],
    });
    expect(res.choices).toHaveLength(1);
    const all = await h.metrics();
    expect(count(all, DURATION)).toBe(0);
    expect(sumOf(findMetric(all, ACTIVE))).toBe(0);
    expect(h.otel.finishedSpans()).toHaveLength(0);
  });
});
