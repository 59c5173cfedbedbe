import OpenAI from 'openai';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { diag, DiagLogLevel } from '@opentelemetry/api';
import { calcPrice } from '@pydantic/genai-prices';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { instrumentOpenAI, type PriceOverride } from '../src/index.js';
import { Pricer } from '../src/pricer.js';
import { toCatalogUsage } from '../src/pricing.js';
import { fakeHeaders } from '../../../test-utils/llm-upstream.js';
import {
  COST,
  UNPRICED,
  count,
  costUsd,
  findMetric,
  startHarness,
  tokens,
  type Harness,
} from './helpers.js';

let h: Harness;
let dir: string;
beforeEach(async () => {
  h = await startHarness();
  dir = mkdtempSync(join(tmpdir(), 'mcpmeter-prices-'));
});
afterEach(async () => {
  await h.close();
  rmSync(dir, { recursive: true, force: true });
});

const ask = (client: OpenAI, model: string, usage = { input: 1000, output: 100, cacheRead: 400 }) =>
  client.chat.completions.create(
    { model, messages: [{ role: 'user', content: 'hi' }] },
    { headers: fakeHeaders({ usage }) },
  );

function captureDiag(): string[] {
  const lines: string[] = [];
  const log = (m: string) => lines.push(m);
  diag.setLogger(
    { error: log, warn: log, info: () => {}, debug: () => {}, verbose: () => {} },
    DiagLogLevel.WARN,
  );
  return lines;
}

describe('price overrides', () => {
  it('win over the catalog, price cached tokens at the cache rate, and say so in the label', async () => {
    const prices: PriceOverride[] = [
      { model: 'gpt-4.1', inputPerMTok: 1, outputPerMTok: 4, cacheReadPerMTok: 0.25 },
    ];
    const client = instrumentOpenAI(
      new OpenAI({ baseURL: h.upstream.baseURL, apiKey: 'k', maxRetries: 0 }),
      { prices },
    );
    await ask(client, 'gpt-4.1');
    const all = await h.metrics();
    // 600 uncached * 1 + 400 cached * 0.25 + 100 output * 4, per million
    const expected = (600 * 1 + 400 * 0.25 + 100 * 4) / 1e6;
    expect(Math.abs(costUsd(all) - expected)).toBeLessThan(1e-12);
    expect(costUsd(all, { 'mcpmeter.price.source': 'override' })).toBeCloseTo(expected, 12);
    expect(costUsd(all, { 'mcpmeter.price.source': 'catalog' })).toBe(0);
    const catalog = calcPrice(
      toCatalogUsage({ input: 1000, output: 100, cacheRead: 400 }),
      'gpt-4.1',
      { providerId: 'openai' },
    )!;
    expect(catalog.total_price).not.toBeCloseTo(expected, 9);
  });

  it('reads MCPMETER_PRICES_FILE, supports prefixes, long-context tiers and other currencies', async () => {
    const file = join(dir, 'prices.json');
    writeFileSync(
      file,
      JSON.stringify([
        {
          provider: 'openai',
          model: 'in-house-*',
          inputPerMTok: 2,
          outputPerMTok: 10,
          currency: 'EUR',
          usdPerUnit: 1.5,
          tiers: [{ aboveInputTokens: 5000, inputPerMTok: 4, outputPerMTok: 20 }],
        },
      ]),
    );
    process.env.MCPMETER_PRICES_FILE = file;
    try {
      const client = instrumentOpenAI(
        new OpenAI({ baseURL: h.upstream.baseURL, apiKey: 'k', maxRetries: 0 }),
      );
      await ask(client, 'in-house-7b', { input: 1000, output: 100, cacheRead: 0 });
      await ask(client, 'in-house-7b', { input: 6000, output: 100, cacheRead: 0 });
    } finally {
      delete process.env.MCPMETER_PRICES_FILE;
    }
    const all = await h.metrics();
    const small = ((1000 * 2 + 100 * 10) / 1e6) * 1.5;
    const large = ((6000 * 4 + 100 * 20) / 1e6) * 1.5;
    expect(Math.abs(costUsd(all) - (small + large))).toBeLessThan(1e-12);
    expect(count(all, UNPRICED)).toBe(0);
  });

  it('reports a bad price file once, by name, and keeps working without it', () => {
    const lines = captureDiag();
    const file = join(dir, 'bad.json');
    writeFileSync(file, JSON.stringify([{ model: 'x', inputPerMTok: -1, outputPerMTok: 1 }]));
    const pricer = new Pricer({ pricesFile: file });
    expect(lines.join('\n')).toMatch(/inputPerMTok/);
    expect(lines.join('\n')).toContain(file);
    expect(pricer.price({ input: 10, output: 10 }, 'gpt-4.1', 'openai')?.source).toBe('catalog');
    const eur = new Pricer({
      prices: [{ model: 'm', inputPerMTok: 1, outputPerMTok: 1, currency: 'EUR' }],
    });
    expect(lines.join('\n')).toMatch(/usdPerUnit/);
    expect(eur.price({ input: 1 }, 'm', 'openai')).toBeUndefined();
    diag.disable();
  });
});

describe('unknown models', () => {
  it('record tokens, no cost, count as unpriced and warn once', async () => {
    const lines = captureDiag();
    const client = instrumentOpenAI(
      new OpenAI({ baseURL: h.upstream.baseURL, apiKey: 'k', maxRetries: 0 }),
    );
    await ask(client, 'no-such-model-xyz');
    await ask(client, 'no-such-model-xyz');
    const all = await h.metrics();
    expect(tokens(all, 'input')).toBe(2000);
    expect(findMetric(all, COST)).toBeUndefined();
    expect(count(all, UNPRICED, { 'gen_ai.request.model': 'no-such-model-xyz' })).toBe(2);
    expect(lines.filter((l) => l.includes('no-such-model-xyz'))).toHaveLength(1);
    expect(h.otel.finishedSpans()[0]?.attributes['mcpmeter.cost.usd']).toBeUndefined();
    diag.disable();
  });

  it('prices only overrides when the catalog is turned off', async () => {
    const client = instrumentOpenAI(
      new OpenAI({ baseURL: h.upstream.baseURL, apiKey: 'k', maxRetries: 0 }),
      { catalog: false },
    );
    await ask(client, 'gpt-4.1');
    const all = await h.metrics();
    expect(findMetric(all, COST)).toBeUndefined();
    expect(count(all, UNPRICED)).toBe(1);
  });
});
