import { calcPrice } from '@pydantic/genai-prices';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { genaiPricesCatalog, toCatalogUsage } from '../src/pricing.js';
import type { TokenUsage } from '../src/pricing-types.js';

/*
 * The catalog wrapper remembers the model found and prices flat per-token models
 * itself: every answer must equal calcPrice's own, first call and later calls,
 * for flat, tiered, dated and fallback-provider models, and refuse what it refuses.
 */
const MODELS: [string, string][] = [
  ['openai', 'gpt-4.1'],
  ['openai', 'gpt-4o-mini'],
  ['openai', 'text-embedding-3-small'],
  ['anthropic', 'claude-sonnet-4-5'],
  ['anthropic', 'claude-sonnet-4-6'],
  ['anthropic', 'claude-opus-4-6'],
  ['anthropic', 'claude-haiku-4-5'],
  ['anthropic', 'claude-3-5-haiku-20241022'],
  ['google', 'gemini-2.5-flash'],
  ['google', 'gemini-2.5-pro'],
  ['google', 'claude-sonnet-4-5'],
  ['aws', 'us.anthropic.claude-sonnet-4-20250514-v1:0'],
  ['aws', 'anthropic.claude-3-5-haiku-20241022-v1:0'],
  ['aws', 'amazon.nova-pro-v1:0'],
  ['azure', 'gpt-4.1'],
  ['mistral', 'mistral-large-latest'],
  ['groq', 'llama-3.3-70b-versatile'],
  ['deepseek', 'deepseek-chat'],
  ['x-ai', 'grok-4'],
  ['openrouter', 'openai/gpt-4.1'],
];
const USAGES: TokenUsage[] = [
  { input: 1000, output: 100 },
  { input: 1000, output: 100, cacheRead: 400 },
  { input: 1000, output: 100, cacheRead: 400, cacheCreation: 100, reasoning: 20 },
  { input: 300_000, output: 2000, cacheRead: 1000 },
  { input: 12 },
];

const direct = (u: TokenUsage, model: string, provider: string) => {
  try {
    return calcPrice(toCatalogUsage(u), model, { providerId: provider })?.total_price;
  } catch {
    return 'throws';
  }
};
const ours = (
  c: ReturnType<typeof genaiPricesCatalog>,
  u: TokenUsage,
  model: string,
  provider: string,
) => {
  try {
    return c.price(u, model, provider)?.totalUsd;
  } catch {
    return 'throws';
  }
};

describe('genaiPricesCatalog equals calcPrice', () => {
  it.each(MODELS)('%s %s', (provider, model) => {
    const catalog = genaiPricesCatalog();
    for (let round = 0; round < 2; round++) {
      for (const u of USAGES) {
        const want = direct(u, model, provider);
        const got = ours(catalog, u, model, provider);
        if (typeof want === 'number' && typeof got === 'number')
          expect(Math.abs(got - want)).toBeLessThan(1e-12);
        else expect(got).toBe(want);
      }
    }
  });

  it('refuses what calcPrice refuses (cache reads above input), and unknown models stay unknown', () => {
    const catalog = genaiPricesCatalog();
    const bad = { input: 10, output: 1, cacheRead: 50 };
    for (let i = 0; i < 2; i++) {
      expect(ours(catalog, { input: 10, output: 1 }, 'gpt-4.1', 'openai')).toBeTypeOf('number');
      expect(ours(catalog, bad, 'gpt-4.1', 'openai')).toBe(direct(bad, 'gpt-4.1', 'openai'));
      expect(catalog.price({ input: 1, output: 1 }, 'no-such-model', 'openai')).toBeUndefined();
    }
  });
});

describe('dated prices', () => {
  afterEach(() => {
    vi.useRealTimers();
  });

  it("a remembered dated price is not used past the next entry's start date", () => {
    // claude-sonnet-4-6: tiered prices (6 USD/MTok input above 200k tokens) until 2026-03-13, flat after.
    vi.useFakeTimers({ toFake: ['Date'] });
    vi.setSystemTime(new Date('2026-03-12T23:59:00Z'));
    const catalog = genaiPricesCatalog();
    const u: TokenUsage = { input: 300_000, output: 2000 };
    for (let i = 0; i < 2; i++) {
      expect(ours(catalog, u, 'claude-sonnet-4-6', 'anthropic')).toBe(
        direct(u, 'claude-sonnet-4-6', 'anthropic'),
      );
    }
    const before = ours(catalog, u, 'claude-sonnet-4-6', 'anthropic');
    vi.setSystemTime(new Date('2026-03-13T00:00:01Z'));
    const after = ours(catalog, u, 'claude-sonnet-4-6', 'anthropic');
    const want = direct(u, 'claude-sonnet-4-6', 'anthropic');
    expect(typeof after === 'number' && typeof want === 'number').toBe(true);
    expect(Math.abs((after as number) - (want as number))).toBeLessThan(1e-12);
    expect(after).not.toBe(before);
  });
});
