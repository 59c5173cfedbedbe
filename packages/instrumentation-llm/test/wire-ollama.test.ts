import { Ollama } from 'ollama';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { DEFAULT_USAGE } from '../../../test-utils/llm-upstream.js';
import { startOllamaUpstream, type WireUpstream } from '../../../test-utils/llm-wire-upstreams.js';
import { COST, DURATION, TTFC, count, costUsd, findMetric, tokens } from './helpers.js';
import { spansSettled, startWireHarness, type WireHarness } from './wire-helpers.js';

const MODEL = 'llama3.2';
let up: WireUpstream;
let h: WireHarness;
beforeEach(async () => {
  up = await startOllamaUpstream();
  // The environment form: provider=baseURL pairs.
  process.env.MCPMETER_LLM_ENDPOINTS = `ollama=${up.url}`;
});
afterEach(async () => {
  delete process.env.MCPMETER_LLM_ENDPOINTS;
  await h.close();
  await up.close();
});

describe('Ollama on the wire (zero-code, MCPMETER_LLM_ENDPOINTS)', () => {
  it('chat, streamed chat (NDJSON), generate and embed: exact tokens, cost 0 labelled local', async () => {
    h = startWireHarness();
    const ollama = new Ollama({ host: up.url });
    const res = await ollama.chat({ model: MODEL, messages: [{ role: 'user', content: 'hi' }] });
    expect(res.message.content).toContain('Hello');
    const stream = await ollama.chat({
      model: MODEL,
      messages: [{ role: 'user', content: 'hi' }],
      stream: true,
    });
    let text = '';
    for await (const part of stream) text += part.message.content;
    expect(text).toBe('Hello from the');
    await ollama.generate({ model: MODEL, prompt: 'hi' });
    const emb = await ollama.embed({ model: 'nomic-embed-text', input: 'hi' });
    expect(emb.embeddings).toHaveLength(1);

    const spans = await spansSettled(h, 4);
    expect(spans.map((s) => s.name)).toEqual([
      `chat ${MODEL}`,
      `chat ${MODEL}`,
      `text_completion ${MODEL}`,
      'embeddings nomic-embed-text',
    ]);
    const all = await h.metrics();
    expect(tokens(all, 'input')).toBe(4 * DEFAULT_USAGE.input);
    expect(tokens(all, 'output')).toBe(3 * DEFAULT_USAGE.output);
    expect(count(all, DURATION)).toBe(4);
    expect(count(all, TTFC)).toBe(1);
    expect(costUsd(all)).toBe(0);
    const sources = new Set(
      findMetric(all, COST)!.dataPoints.map((p) => p.attributes['mcpmeter.price.source']),
    );
    expect([...sources]).toEqual(['local']);
    expect(spans[0]!.attributes).toMatchObject({
      'gen_ai.provider.name': 'ollama',
      'mcpmeter.cost.usd': 0,
      'mcpmeter.price.source': 'local',
      'gen_ai.response.finish_reasons': ['stop'],
    });
  });

  it('a price override prices a local model', async () => {
    h = startWireHarness({
      prices: [{ provider: 'ollama', model: MODEL, inputPerMTok: 1, outputPerMTok: 2 }],
    });
    const ollama = new Ollama({ host: up.url });
    await ollama.chat({ model: MODEL, messages: [{ role: 'user', content: 'hi' }] });
    await spansSettled(h, 1);
    const all = await h.metrics();
    const want = (DEFAULT_USAGE.input * 1 + DEFAULT_USAGE.output * 2) / 1e6;
    expect(Math.abs(costUsd(all) - want)).toBeLessThan(1e-12);
    expect(costUsd(all, { 'mcpmeter.price.source': 'override' })).toBeCloseTo(want, 12);
  });
});
