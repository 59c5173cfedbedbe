import OpenAI from 'openai';
import Anthropic from '@anthropic-ai/sdk';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { instrumentAnthropic, instrumentOpenAI } from '../src/index.js';
import { mayMatter } from '../src/observe.js';
import { DEFAULT_USAGE, fakeHeaders } from '../../../test-utils/llm-upstream.js';
import {
  ACTIVE,
  DURATION,
  TPOC,
  TTFC,
  count,
  findMetric,
  startHarness,
  sumOf,
  tokens,
  type Harness,
} from './helpers.js';

/*
 * Every way a caller can consume a streamed SDK call: each is recorded once, with the chunks it
 * read, usage when the final chunk came, and the end classified (complete, cut, error event,
 * cancelled by the consumer).
 */

let h: Harness;
beforeEach(async () => {
  h = await startHarness();
});
afterEach(() => h.close());

const CHUNKS = 12;
const openai = () =>
  instrumentOpenAI(new OpenAI({ baseURL: h.upstream.baseURL, apiKey: 'k', maxRetries: 0 }));
const anthropic = () =>
  instrumentAnthropic(
    new Anthropic({ baseURL: h.upstream.url, apiKey: 'k', maxRetries: 0, openTelemetry: false }),
  );
const chatStream = (scenario?: 'cut' | 'error-event', extra: Record<string, string> = {}) =>
  openai().chat.completions.create(
    {
      model: 'gpt-4.1',
      messages: [{ role: 'user', content: 'hi' }],
      stream: true,
      stream_options: { include_usage: true },
    },
    {
      headers: { ...fakeHeaders({ chunks: CHUNKS, ...(scenario ? { scenario } : {}) }), ...extra },
    },
  );

async function outcome() {
  await new Promise((r) => setTimeout(r, 50));
  const spans = h.otel.finishedSpans();
  const all = await h.metrics();
  return {
    spans: spans.length,
    errorType: spans[0]?.attributes['error.type'],
    durations: count(all, DURATION),
    ttfc: count(all, TTFC),
    tpoc: count(all, TPOC),
    input: tokens(all, 'input'),
    active: sumOf(findMetric(all, ACTIVE)),
  };
}

/** Recorded once, to the end: every chunk timed, usage from the final chunk. */
const once = { spans: 1, durations: 1, ttfc: 1, active: 0 };
const complete = (tpoc: number) => ({
  ...once,
  errorType: undefined,
  tpoc,
  input: DEFAULT_USAGE.input,
});

async function drain(body: ReadableStream<Uint8Array>): Promise<string> {
  const reader = body.getReader();
  const dec = new TextDecoder();
  let text = '';
  for (;;) {
    const { done, value } = await reader.read();
    if (done) return text + dec.decode();
    text += dec.decode(value, { stream: true });
  }
}

describe('streamed SDK calls, every consumer', () => {
  it('for await to the end: usage, TTFC and every chunk', async () => {
    const stream = await chatStream();
    let n = 0;
    for await (const _ of stream) n++;
    expect(n).toBeGreaterThan(CHUNKS);
    expect(await outcome()).toEqual(complete(CHUNKS + 1));
  });

  it('stream.controller.abort() mid-stream', async () => {
    const stream = await chatStream(undefined, { 'x-fake-chunk-delay-ms': '2' });
    let n = 0;
    try {
      for await (const _ of stream) if (++n === 3) stream.controller.abort();
    } catch {
      // some versions throw APIUserAbortError
    }
    expect(n).toBe(3);
    expect(await outcome()).toEqual({ ...once, errorType: undefined, tpoc: 2, input: 0 });
  });

  it('a stream cut by the server', async () => {
    const stream = await chatStream('cut');
    try {
      for await (const _ of stream) void _;
    } catch {
      // undici reports the cut as a body error
    }
    const o = await outcome();
    expect(['stream_incomplete', 'connection_error']).toContain(o.errorType);
    expect(o).toMatchObject({ spans: 1, durations: 1, ttfc: 1, input: 0, active: 0 });
  });

  it('an error event', async () => {
    const stream = await chatStream('error-event');
    try {
      for await (const _ of stream) void _;
    } catch {
      // the SDK throws the error event
    }
    expect(await outcome()).toMatchObject({ ...once, errorType: 'stream_error', input: 0 });
  });

  it('tee(): both halves read', async () => {
    const [a, b] = (await chatStream()).tee();
    let na = 0;
    let nb = 0;
    for await (const _ of a) na++;
    for await (const _ of b) nb++;
    expect([na, nb]).toEqual([CHUNKS + 2, CHUNKS + 2]);
    expect(await outcome()).toEqual(complete(CHUNKS + 1));
  });

  it('toReadableStream()', async () => {
    const text = await drain((await chatStream()).toReadableStream());
    expect(text.split('\n').filter((l) => l.length > 0)).toHaveLength(CHUNKS + 2);
    expect(await outcome()).toEqual(complete(CHUNKS + 1));
  });

  it('asResponse(): body read with getReader', async () => {
    const res = await chatStream().asResponse();
    const text = await drain(res.body!);
    expect(text).toContain('[DONE]');
    expect(await outcome()).toEqual(complete(CHUNKS + 1));
  });

  it('asResponse(): body read with for await', async () => {
    const res = await chatStream().asResponse();
    let n = 0;
    for await (const _ of res.body as unknown as AsyncIterable<Uint8Array>) n++;
    expect(n).toBeGreaterThan(0);
    expect(await outcome()).toEqual(complete(CHUNKS + 1));
  });

  it('asResponse(): body read with text()', async () => {
    const res = await chatStream().asResponse();
    const text = await res.text();
    expect(text).toContain('[DONE]');
    expect(await outcome()).toEqual(complete(CHUNKS + 1));
  });

  it('asResponse(): body cancelled', async () => {
    const res = await chatStream(undefined, { 'x-fake-chunk-delay-ms': '2' }).asResponse();
    const reader = res.body!.getReader();
    await reader.read();
    await reader.cancel();
    expect(await outcome()).toMatchObject({ ...once, errorType: undefined, input: 0 });
  });

  it('withResponse(): data iterated, break', async () => {
    const { data } = await chatStream(undefined, { 'x-fake-chunk-delay-ms': '2' }).withResponse();
    let n = 0;
    for await (const _ of data) if (++n === 2) break;
    expect(await outcome()).toEqual({ ...once, errorType: undefined, tpoc: 1, input: 0 });
  });

  it('anthropic: for await to the end', async () => {
    const stream = await anthropic().messages.create(
      {
        model: 'claude-sonnet-4-6',
        max_tokens: 64,
        messages: [{ role: 'user', content: 'hi' }],
        stream: true,
      },
      { headers: fakeHeaders({ chunks: CHUNKS }) },
    );
    let n = 0;
    for await (const _ of stream) n++;
    expect(n).toBe(CHUNKS + 5);
    expect(await outcome()).toEqual(complete(CHUNKS + 4));
  });

  it('anthropic: controller.abort()', async () => {
    const stream = await anthropic().messages.create(
      {
        model: 'claude-sonnet-4-6',
        max_tokens: 64,
        messages: [{ role: 'user', content: 'hi' }],
        stream: true,
      },
      { headers: fakeHeaders({ chunks: CHUNKS, delayMs: 2 }) },
    );
    let n = 0;
    try {
      for await (const _ of stream) if (++n === 3) stream.controller.abort();
    } catch {
      // some versions throw APIUserAbortError
    }
    expect(n).toBe(3);
    // message_start carried the input tokens
    expect(await outcome()).toEqual({
      ...once,
      errorType: undefined,
      tpoc: 2,
      input: DEFAULT_USAGE.input,
    });
  });

  it.each([
    ['error-event', ['stream_error']],
    ['cut', ['stream_incomplete', 'connection_error']],
  ] as const)('anthropic: %s', async (scenario, types) => {
    const stream = await anthropic().messages.create(
      {
        model: 'claude-sonnet-4-6',
        max_tokens: 64,
        messages: [{ role: 'user', content: 'hi' }],
        stream: true,
      },
      { headers: fakeHeaders({ chunks: CHUNKS, scenario }) },
    );
    try {
      for await (const _ of stream) void _;
    } catch {
      // the SDK throws the error event / undici the cut
    }
    const o = await outcome();
    expect(types).toContain(o.errorType);
    expect(o).toMatchObject({ spans: 1, durations: 1, ttfc: 1, active: 0 });
  });
});

describe('mayMatter (which stream events are parsed)', () => {
  it('parses an openai chat event exactly when it has no null finish_reason or has a usage object', () => {
    const cases = [
      '{"choices":[{"index":0,"delta":{"content":"hi"},"finish_reason":null}]}',
      '{"choices":[{"index":0,"delta":{"content":"hi"},"finish_reason":null}],"usage":null}',
      '{"choices":[{"index":0,"delta":{"content":"\\"usage\\":{"},"finish_reason":null}]}',
      '{"usage":{"prompt_tokens":1},"choices":[{"delta":{},"finish_reason":null}]}',
      '{"choices":[{"delta":{},"finish_reason":null}],"usage":{"prompt_tokens":1}}',
      '{"choices":[{"delta":{},"finish_reason":"stop"}]}',
      '{"choices":[],"usage":{"prompt_tokens":1}}',
      'usage":{',
      '"usage":{',
      '{"x":"usage\\":{","finish_reason":null}',
    ];
    for (const data of cases) {
      const expected =
        data.lastIndexOf('"finish_reason":null') === -1 || data.includes('"usage":{');
      expect(mayMatter('openai.chat', data), data).toBe(expected);
    }
  });
});
