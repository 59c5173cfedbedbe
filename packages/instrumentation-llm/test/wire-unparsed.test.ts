import { diag, DiagLogLevel } from '@opentelemetry/api';
import { createServer, type Server } from 'node:http';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import {
  DEFAULT_USAGE,
  openaiChatUsage,
  startFakeUpstream,
  type FakeUpstream,
} from '../../../test-utils/llm-upstream.js';
import { startGeminiUpstream, type WireUpstream } from '../../../test-utils/llm-wire-upstreams.js';
import { DURATION, count, costUsd, findMetric, sumOf, tokens } from './helpers.js';
import { expectedCost, spansSettled, startWireHarness, type WireHarness } from './wire-helpers.js';

const UNPARSED = 'mcpmeter.llm.unparsed';
let lines: string[];
beforeEach(() => {
  lines = [];
  const log = (m: string) => lines.push(m);
  diag.setLogger(
    { error: log, warn: log, info: () => {}, debug: () => {}, verbose: () => {} },
    {
      logLevel: DiagLogLevel.WARN,
      suppressOverrideMessage: true,
    },
  );
});
afterEach(() => diag.disable());

describe('never silent', () => {
  let gm: WireUpstream;
  let h: WireHarness;
  afterEach(async () => {
    await h.close();
    await gm.close();
  });

  it('a body that cannot be understood at a recognised endpoint: counted, one line, the app unaffected', async () => {
    gm = await startGeminiUpstream();
    h = startWireHarness({ endpoints: [{ baseURL: gm.url, providerName: 'gcp.gemini' }] });
    const url = `${gm.url}/v1beta/models/gemini-2.5-flash:generateContent`;
    for (let i = 0; i < 3; i++) {
      const res = await fetch(url, {
        method: 'POST',
        headers: { 'content-type': 'application/json', 'x-fake-scenario': 'garbage' },
        body: '{"contents":[]}',
      });
      expect(await res.text()).toBe('<html>not json</html>');
    }
    await spansSettled(h, 3);
    const all = await h.metrics();
    const unparsed = findMetric(all, UNPARSED);
    expect(sumOf(unparsed, { 'gen_ai.provider.name': 'gcp.gemini' })).toBe(3);
    expect(unparsed?.dataPoints[0]?.attributes['mcpmeter.unparsed.reason']).toBe('invalid_json');
    expect(count(all, DURATION)).toBe(3); // the calls themselves are still counted
    const mine = lines.filter((l) => l.includes('could not be read'));
    expect(mine).toHaveLength(1);
    expect(mine[0]).toMatch(
      /^mcpmeter: a call to gcp\.gemini at "127\.0\.0\.1:\d+" could not be read \(invalid_json\)/,
    );
    expect(mine[0]).not.toContain('\n');
  });

  it('an unknown path on a configured relay is counted as unknown_operation', async () => {
    gm = await startGeminiUpstream();
    h = startWireHarness({ endpoints: [{ baseURL: gm.url, providerName: 'gcp.gemini' }] });
    const res = await fetch(`${gm.url}/v1beta/models/x:countTokens`, {
      method: 'POST',
      body: '{}',
    });
    await res.text();
    const all = await h.metrics();
    expect(
      sumOf(findMetric(all, UNPARSED), { 'mcpmeter.unparsed.reason': 'unknown_operation' }),
    ).toBe(1);
  });
});

describe('plain fetch to a relay configured by MCPMETER_LLM_ENDPOINTS', () => {
  let up: FakeUpstream;
  let h: WireHarness;
  afterEach(async () => {
    delete process.env.MCPMETER_LLM_ENDPOINTS;
    await h.close();
    await up.close();
  });

  it('records tokens, cost, TTFT and one span, streamed and not', async () => {
    up = await startFakeUpstream();
    process.env.MCPMETER_LLM_ENDPOINTS = ` openai=${up.baseURL} , bogus=nothing`;
    h = startWireHarness();
    const post = (body: unknown) =>
      fetch(`${up.baseURL}/chat/completions`, {
        method: 'POST',
        headers: { 'content-type': 'application/json', authorization: 'Bearer sk-secret' },
        body: JSON.stringify(body),
      });
    await (await post({ model: 'gpt-4.1', messages: [{ role: 'user', content: 'hi' }] })).json();
    const sse = await post({
      model: 'gpt-4.1',
      messages: [{ role: 'user', content: 'hi' }],
      stream: true,
      stream_options: { include_usage: true },
    });
    expect(await sse.text()).toContain('[DONE]');
    const spans = await spansSettled(h, 2);
    expect(spans).toHaveLength(2);
    const all = await h.metrics();
    expect(tokens(all, 'input')).toBe(2 * DEFAULT_USAGE.input);
    expect(count(all, 'gen_ai.client.operation.time_to_first_chunk')).toBe(1);
    const one = expectedCost(
      'openai',
      'gpt-4.1',
      { usage: openaiChatUsage(DEFAULT_USAGE) },
      'chat',
    );
    expect(Math.abs(costUsd(all) - 2 * one)).toBeLessThan(1e-9);
    expect(JSON.stringify(spans.map((s) => s.attributes))).not.toContain('sk-secret');
    expect(lines.filter((l) => l.includes('MCPMETER_LLM_ENDPOINTS entry'))).toHaveLength(1);
  });
});

describe('other traffic is left alone', () => {
  let server: Server;
  let h: WireHarness;
  afterEach(async () => {
    await h.close();
    await new Promise((r) => server.close(r));
  });

  it('a POST to a host that is no LLM endpoint starts nothing', async () => {
    server = createServer((_q, r) => r.end('{}'));
    await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
    h = startWireHarness();
    const addr = server.address() as { port: number };
    await (
      await fetch(`http://127.0.0.1:${addr.port}/v1/chat/completions`, {
        method: 'POST',
        body: '{}',
      })
    ).text();
    const all = await h.metrics();
    expect(count(all, DURATION)).toBe(0);
    expect(findMetric(all, UNPARSED)).toBeUndefined();
  });
});
