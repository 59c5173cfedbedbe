import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import type { calcPrice as CalcPrice, Provider } from '@pydantic/genai-prices';
import type {
  OverridePrices,
  PriceCatalog,
  PriceOverride,
  PriceQuote,
  TokenUsage,
} from './pricing-types.js';

/** Most (provider, model) lookups remembered; past it, lookups are not cached (model names come from peers). */
const MAX_CACHED_MODELS = 1000;

type ModelFound = ReturnType<typeof CalcPrice>;

/*
 * The catalog module is half a megabyte of data (~50 ms to load, issue 20): it
 * is required on the first price asked, not when the instrumentation loads, so a
 * process that never makes an LLM call never pays for it.
 */
function loadCalcPrice(): typeof CalcPrice {
  return (
    createRequire(import.meta.url)('@pydantic/genai-prices') as { calcPrice: typeof CalcPrice }
  ).calcPrice;
}

/** Per-million prices of a model whose price is plain per-token numbers, unconditional and untiered. */
interface FlatPrices {
  input: number;
  output: number;
  cacheRead: number | undefined;
  cacheWrite: number | undefined;
  modelId: string;
}

const FLAT_KEYS = new Set(['input_mtok', 'output_mtok', 'cache_read_mtok', 'cache_write_mtok']);

/** The model's prices when the catalog's computation reduces to four products (else undefined). */
function flatPrices(found: NonNullable<ModelFound>): FlatPrices | undefined {
  if (Array.isArray(found.model.prices)) return undefined; // dated prices: the catalog picks by date
  const p = found.model_price;
  for (const [key, value] of Object.entries(p)) {
    if (value === undefined) continue;
    // Tool-call prices (`web_searches_kcount`…) count uses we never report: they add 0, as in the catalog.
    if (key.endsWith('_kcount') && key !== 'requests_kcount') continue;
    if (!FLAT_KEYS.has(key) || typeof value !== 'number') return undefined;
  }
  if (typeof p.input_mtok !== 'number' || typeof p.output_mtok !== 'number') return undefined;
  return {
    input: p.input_mtok,
    output: p.output_mtok,
    cacheRead: typeof p.cache_read_mtok === 'number' ? p.cache_read_mtok : undefined,
    cacheWrite: typeof p.cache_write_mtok === 'number' ? p.cache_write_mtok : undefined,
    modelId: found.model.id,
  };
}

/**
 * What the catalog computes for flat prices (its leaf decomposition: a cache
 * part with a price of its own is taken out of the input tokens; one without
 * is billed as input), or undefined when the usage is one the catalog would
 * refuse (then the catalog itself is asked, and its error reported).
 */
function priceFlat(f: FlatPrices, usage: TokenUsage): PriceQuote | undefined {
  const input = usage.input;
  const output = usage.output ?? 0;
  if (input === undefined || (usage.output === undefined && (usage.reasoning ?? 0) > 0))
    return undefined;
  const cacheRead = f.cacheRead === undefined ? 0 : (usage.cacheRead ?? 0);
  const cacheWrite = f.cacheWrite === undefined ? 0 : (usage.cacheCreation ?? 0);
  const uncached = input - cacheRead - cacheWrite;
  if (uncached < 0) return undefined;
  const inputUsd =
    (f.input * uncached) / 1e6 +
    ((f.cacheRead ?? 0) * cacheRead) / 1e6 +
    ((f.cacheWrite ?? 0) * cacheWrite) / 1e6;
  const outputUsd = (f.output * output) / 1e6;
  return { inputUsd, outputUsd, totalUsd: inputUsd + outputUsd, modelId: f.modelId };
}

/**
 * The bundled `@pydantic/genai-prices` catalog behind our {@link PriceCatalog}
 * interface. The catalog's own usage keys count cached tokens inside
 * `input_tokens`, as {@link TokenUsage} does, so no conversion is needed.
 *
 * `calcPrice` scans the provider's models and runs a general unit algebra on
 * every call (tens of microseconds, far more in a busy process). The model
 * found is remembered per (provider, model); for the common case of flat
 * per-token prices the same arithmetic is done directly (tests check it equals
 * `calcPrice` to 1e-9 USD), and any other model — tiers, dated prices, audio or
 * request prices — is priced by `calcPrice` against that one model. The
 * catalog itself is loaded on the first price asked.
 */
export function genaiPricesCatalog(): PriceCatalog {
  const known = new Map<string, { provider: Provider; flat: FlatPrices | undefined } | null>();
  let loaded: typeof CalcPrice | undefined;
  const calcPrice: typeof CalcPrice = (...args) => (loaded ??= loadCalcPrice())(...args);
  const quote = (r: NonNullable<ModelFound>): PriceQuote => ({
    inputUsd: r.input_price,
    outputUsd: r.output_price,
    totalUsd: r.total_price,
    modelId: r.model.id,
  });
  // The last model priced, found again without building the key (calls mostly repeat one model).
  let lastModel: string | undefined;
  let lastProvider: string | undefined;
  let lastEntry: { provider: Provider; flat: FlatPrices | undefined } | null | undefined;
  return {
    price(usage, model, provider) {
      let entry: { provider: Provider; flat: FlatPrices | undefined } | null | undefined;
      if (model === lastModel && provider === lastProvider && lastEntry !== undefined) {
        entry = lastEntry;
      } else {
        entry = known.get(`${provider}\u0000${model}`);
        if (entry !== undefined) {
          lastModel = model;
          lastProvider = provider;
          lastEntry = entry;
        }
      }
      if (entry === null) return undefined;
      if (entry !== undefined) {
        const flat = entry.flat === undefined ? undefined : priceFlat(entry.flat, usage);
        if (flat !== undefined) return flat;
        const r = calcPrice(toCatalogUsage(usage), model, { provider: entry.provider });
        return r === null ? undefined : quote(r);
      }
      const r = calcPrice(toCatalogUsage(usage), model, { providerId: provider });
      if (known.size < MAX_CACHED_MODELS) {
        known.set(
          `${provider}\u0000${model}`,
          r === null
            ? null
            : {
                provider: { ...r.provider, models: [r.model], fallback_model_providers: undefined },
                flat: flatPrices(r),
              },
        );
      }
      return r === null ? undefined : quote(r);
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
