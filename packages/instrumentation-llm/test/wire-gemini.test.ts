import { GoogleGenAI } from '@google/genai';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { DEFAULT_USAGE } from '../../../test-utils/llm-upstream.js';
import { startGeminiUpstream, type WireUpstream } from '../../../test-utils/llm-wire-upstreams.js';
import { DURATION, TTFC, count, costUsd, tokens } from './helpers.js';
import { expectedCost, spansSettled, startWireHarness, type WireHarness } from './wire-helpers.js';

const MODEL = 'gemini-2.5-flash';
let up: WireUpstream;
let h: WireHarness;
beforeEach(async () => {
  up = await startGeminiUpstream();
  h = startWireHarness({ endpoints: [{ baseURL: up.url, providerName: 'gcp.gemini' }] });
});
afterEach(async () => {
  await h.close();
  await up.close();
});

const oneCost = () => expectedCost('google', MODEL, { usageMetadata: up.sent[0]!.usage });

describe('Gemini on the wire (zero-code)', () => {
  it('@google/genai generateContent and generateContentStream: exact tokens, cost, TTFT for the stream only', async () => {
    const ai = new GoogleGenAI({ apiKey: 'k', httpOptions: { baseUrl: up.url } });
    const res = await ai.models.generateContent({ model: MODEL, contents: 'hi' });
    expect(res.text).toContain('Hello');
    const stream = await ai.models.generateContentStream({ model: MODEL, contents: 'hi' });
    let text = '';
    for await (const chunk of stream) text += chunk.text ?? '';
    expect(text).toBe('Hello from the');
    const spans = await spansSettled(h, 2);
    expect(spans).toHaveLength(2);
    const all = await h.metrics();
    expect(tokens(all, 'input')).toBe(2 * DEFAULT_USAGE.input);
    expect(tokens(all, 'output')).toBe(2 * DEFAULT_USAGE.output);
    expect(tokens(all, 'cache_read')).toBe(2 * DEFAULT_USAGE.cacheRead);
    expect(tokens(all, 'reasoning')).toBe(2 * DEFAULT_USAGE.reasoning);
    expect(Math.abs(costUsd(all) - 2 * oneCost())).toBeLessThan(1e-9);
    expect(count(all, DURATION)).toBe(2);
    expect(count(all, TTFC)).toBe(1);
    for (const s of spans) {
      expect(s.kind).toBe(2); // CLIENT
      expect(s.name).toBe(`generate_content ${MODEL}`);
      expect(s.attributes).toMatchObject({
        'gen_ai.provider.name': 'gcp.gemini',
        'gen_ai.operation.name': 'generate_content',
        'gen_ai.request.model': MODEL,
        'gen_ai.response.model': MODEL,
        'gen_ai.usage.input_tokens': DEFAULT_USAGE.input,
        'gen_ai.usage.output_tokens': DEFAULT_USAGE.output,
        'gen_ai.response.finish_reasons': ['stop'],
        'server.address': '127.0.0.1',
        'server.port': up.port,
      });
      expect(s.status.code).not.toBe(2);
    }
    expect(spans[1]!.attributes['gen_ai.request.stream']).toBe(true);
  });

  it('plain fetch to streamGenerateContent without alt=sse (a streamed JSON array)', async () => {
    const res = await fetch(`${up.url}/v1beta/models/${MODEL}:streamGenerateContent`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', 'x-fake-chunks': '5' },
      body: JSON.stringify({ contents: [{ role: 'user', parts: [{ text: 'hi' }] }] }),
    });
    const body = (await res.json()) as unknown[];
    expect(body).toHaveLength(5);
    const [span] = await spansSettled(h, 1);
    expect(span?.attributes['error.type']).toBeUndefined();
    const all = await h.metrics();
    expect(tokens(all, 'input')).toBe(DEFAULT_USAGE.input);
    expect(tokens(all, 'output')).toBe(DEFAULT_USAGE.output);
    expect(count(all, TTFC)).toBe(1);
    expect(Math.abs(costUsd(all) - oneCost())).toBeLessThan(1e-9);
  });

  it('captureContent records the Gemini request and the streamed text', async () => {
    await h.close();
    h = startWireHarness({
      endpoints: [{ baseURL: up.url, providerName: 'gcp.gemini' }],
      captureContent: true,
    });
    const ai = new GoogleGenAI({ apiKey: 'k', httpOptions: { baseUrl: up.url } });
    const stream = await ai.models.generateContentStream({
      model: MODEL,
      contents: 'what is the weather',
      config: { systemInstruction: 'be brief' },
    });
    for await (const _ of stream) void _;
    const [span] = await spansSettled(h, 1);
    const input = JSON.parse(String(span!.attributes['gen_ai.input.messages'])) as unknown[];
    expect(input).toEqual([
      { role: 'system', parts: [{ type: 'text', content: 'be brief' }] },
      { role: 'user', parts: [{ type: 'text', content: 'what is the weather' }] },
    ]);
    expect(String(span!.attributes['gen_ai.output.messages'])).toContain('Hello from the');
  });
});
