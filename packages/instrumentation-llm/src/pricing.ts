import { readFileSync } from 'node:fs';
import { calcPrice } from '@pydantic/genai-prices';
import type {
  OverridePrices,
  PriceCatalog,
  PriceOverride,
  PriceQuote,
  TokenUsage,
} from './pricing-types.js';

/**
 * The bundled `@pydantic/genai-prices` catalog behind our {@link PriceCatalog}
 * interface. The catalog's own usage keys count cached tokens inside
 * `input_tokens`, as {@link TokenUsage} does, so no conversion is needed.
 */
export function genaiPricesCatalog(): PriceCatalog {
  return {
    price(usage, model, provider) {
      const result = calcPrice(toCatalogUsage(usage), model, { providerId: provider });
      if (result === null) return undefined;
      return {
        inputUsd: result.input_price,
        outputUsd: result.output_price,
        totalUsd: result.total_price,
        modelId: result.model.id,
      };
    },
  };
}

/** {@link TokenUsage} in the catalog's usage keys. */
export function toCatalogUsage(usage: TokenUsage): Record<string, number | undefined> {
  return {
    input_tokens: usage.input,
    output_tokens: usage.output,
    cache_read_tokens: usage.cacheRead,
    cache_write_tokens: usage.cacheCreation,
    output_reasoning_tokens: usage.reasoning,
  };
}

interface CompiledOverride {
  provider: string | undefined;
  exact: string | undefined;
  prefix: string | undefined;
  base: OverridePrices;
  tiers: (OverridePrices & { aboveInputTokens: number })[];
  usdPerUnit: number;
  modelId: string;
}

/** Checks and compiles overrides; throws one clear message naming the bad entry and the fix. */
export function compileOverrides(list: readonly unknown[], where: string): CompiledOverride[] {
  return list.map((raw, i) => {
    const at = `${where}[${i}]`;
    if (raw === null || typeof raw !== 'object') {
      throw new TypeError(
        `${at}: expected an object like {"model":"gpt-4.1","inputPerMTok":2,"outputPerMTok":8}`,
      );
    }
    const o = raw as PriceOverride;
    if (typeof o.model !== 'string' || o.model.length === 0) {
      throw new TypeError(`${at}.model: expected a model name, or a prefix ending in "*"`);
    }
    checkPrices(o, at);
    const currency = (o.currency ?? 'USD').toUpperCase();
    let usdPerUnit = 1;
    if (currency !== 'USD') {
      if (typeof o.usdPerUnit !== 'number' || !(o.usdPerUnit > 0)) {
        throw new TypeError(
          `${at}.usdPerUnit: prices in ${currency} need "usdPerUnit" (USD per 1 ${currency}); metrics are in USD`,
        );
      }
      usdPerUnit = o.usdPerUnit;
    }
    const tiers = [...(o.tiers ?? [])];
    tiers.forEach((t, j) => {
      checkPrices(t, `${at}.tiers[${j}]`);
      if (typeof t.aboveInputTokens !== 'number' || !(t.aboveInputTokens >= 0)) {
        throw new TypeError(`${at}.tiers[${j}].aboveInputTokens: expected a token count >= 0`);
      }
    });
    tiers.sort((a, b) => a.aboveInputTokens - b.aboveInputTokens);
    const model = o.model.toLowerCase();
    const isPrefix = model.endsWith('*');
    return {
      provider: o.provider,
      exact: isPrefix ? undefined : model,
      prefix: isPrefix ? model.slice(0, -1) : undefined,
      base: o,
      tiers,
      usdPerUnit,
      modelId: o.model,
    };
  });
}

function checkPrices(p: OverridePrices, at: string): void {
  for (const key of ['inputPerMTok', 'outputPerMTok'] as const) {
    if (typeof p[key] !== 'number' || !Number.isFinite(p[key]) || p[key] < 0) {
      throw new TypeError(`${at}.${key}: expected a price per million tokens (a number >= 0)`);
    }
  }
  for (const key of ['cacheReadPerMTok', 'cacheWritePerMTok'] as const) {
    const v = p[key];
    if (v !== undefined && (typeof v !== 'number' || !Number.isFinite(v) || v < 0)) {
      throw new TypeError(
        `${at}.${key}: expected a price per million tokens (a number >= 0) or no value`,
      );
    }
  }
}

/** Reads an overrides file; throws a message naming the file and the expected shape. */
export function readOverridesFile(path: string, setting: string): CompiledOverride[] {
  let parsed: unknown;
  try {
    parsed = JSON.parse(readFileSync(path, 'utf8'));
  } catch (err) {
    throw new TypeError(
      `${setting}=${path}: cannot read a JSON array of price overrides (${(err as Error).message}); fix the file or unset ${setting}`,
    );
  }
  if (!Array.isArray(parsed)) {
    throw new TypeError(
      `${setting}=${path}: expected a JSON array of price overrides, e.g. [{"model":"my-model","inputPerMTok":1,"outputPerMTok":2}]`,
    );
  }
  return compileOverrides(parsed, path);
}

/** Finds the override for a model (exact match first, then the longest prefix). */
export function findOverride(
  overrides: readonly CompiledOverride[],
  model: string,
  provider: string,
): CompiledOverride | undefined {
  const m = model.toLowerCase();
  let best: CompiledOverride | undefined;
  for (const o of overrides) {
    if (o.provider !== undefined && o.provider !== provider) continue;
    if (o.exact === m) return o;
    if (
      o.prefix !== undefined &&
      m.startsWith(o.prefix) &&
      (best?.prefix?.length ?? -1) < o.prefix.length
    ) {
      best = o;
    }
  }
  return best;
}

/** The price of `usage` under an override, in USD. */
export function priceWithOverride(o: CompiledOverride, usage: TokenUsage): PriceQuote {
  const input = usage.input ?? 0;
  let p: OverridePrices = o.base;
  for (const t of o.tiers) if (input > t.aboveInputTokens) p = t;
  const cacheRead = usage.cacheRead ?? 0;
  const cacheWrite = usage.cacheCreation ?? 0;
  const uncached = Math.max(0, input - cacheRead - cacheWrite);
  const inputUsd =
    ((uncached * p.inputPerMTok +
      cacheRead * (p.cacheReadPerMTok ?? p.inputPerMTok) +
      cacheWrite * (p.cacheWritePerMTok ?? p.inputPerMTok)) /
      1e6) *
    o.usdPerUnit;
  const outputUsd = (((usage.output ?? 0) * p.outputPerMTok) / 1e6) * o.usdPerUnit;
  return { inputUsd, outputUsd, totalUsd: inputUsd + outputUsd, modelId: o.modelId };
}

export type { CompiledOverride };
