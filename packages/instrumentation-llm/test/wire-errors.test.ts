import { createServer } from 'node:net';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import {
  fakeHeaders,
  startFakeUpstream,
  type FakeUpstream,
} from '../../../test-utils/llm-upstream.js';
import { ACTIVE, DURATION, count, findMetric, sumOf } from './helpers.js';
import { spansSettled, startWireHarness, type WireHarness } from './wire-helpers.js';

/* Counts stay exact on the wire: errors by status, cut streams, aborts and refused connections. */
let up: FakeUpstream;
let h: WireHarness;
beforeEach(async () => {
  up = await startFakeUpstream();
  h = startWireHarness({ endpoints: [{ baseURL: up.baseURL, providerName: 'openai' }] });
});
afterEach(async () => {
  await h.close();
  await up.close();
});

const post = (
  url: string,
  body: unknown,
  headers: Record<string, string> = {},
  signal?: AbortSignal,
) =>
  fetch(url, {
    method: 'POST',
    headers: { 'content-type': 'application/json', ...headers },
    body: JSON.stringify(body),
    signal,
  });
const chat = { model: 'gpt-4.1', messages: [{ role: 'user', content: 'hi' }] };

describe('wire capture: errors and cancellations', () => {
  it('an HTTP error is recorded by status; a stream cut by the network as connection_error; active returns to 0', async () => {
    const bad = await post(
      `${up.baseURL}/chat/completions`,
      chat,
      fakeHeaders({ scenario: 'fail-429' }),
    );
    expect(bad.status).toBe(429);
    await bad.text();
    const cut = await post(
      `${up.baseURL}/chat/completions`,
      { ...chat, stream: true },
      fakeHeaders({ scenario: 'cut', chunks: 6 }),
    );
    await cut.text().catch(() => undefined);
    const spans = await spansSettled(h, 2);
    expect(spans.map((s) => s.attributes['error.type']).sort()).toEqual([
      '429',
      'connection_error',
    ]);
    const all = await h.metrics();
    expect(count(all, DURATION, { 'error.type': '429' })).toBe(1);
    expect(sumOf(findMetric(all, ACTIVE))).toBe(0);
  });

  it('an abort by the caller is not an error', async () => {
    const ac = new AbortController();
    const res = await post(
      `${up.baseURL}/chat/completions`,
      { ...chat, stream: true },
      fakeHeaders({ chunks: 50, delayMs: 10 }),
      ac.signal,
    );
    const reader = res.body!.getReader();
    await reader.read();
    ac.abort();
    await reader.read().catch(() => undefined);
    const [span] = await spansSettled(h, 1);
    expect(span?.attributes['error.type']).toBeUndefined();
    expect(span?.status.code).not.toBe(2);
    const all = await h.metrics();
    expect(count(all, DURATION)).toBe(1);
    expect(sumOf(findMetric(all, ACTIVE))).toBe(0);
  });

  it('a refused connection is a connection_error, and the app sees its own error', async () => {
    const s = createServer();
    await new Promise<void>((r) => s.listen(0, '127.0.0.1', r));
    const port = (s.address() as { port: number }).port;
    await new Promise((r) => s.close(r));
    await h.close();
    h = startWireHarness({
      endpoints: [{ baseURL: `http://127.0.0.1:${port}/v1`, providerName: 'openai' }],
    });
    await expect(post(`http://127.0.0.1:${port}/v1/chat/completions`, chat)).rejects.toThrow(
      'fetch failed',
    );
    const [span] = await spansSettled(h, 1);
    expect(span?.attributes['error.type']).toBe('connection_error');
    const all = await h.metrics();
    expect(sumOf(findMetric(all, ACTIVE))).toBe(0);
  });
});
