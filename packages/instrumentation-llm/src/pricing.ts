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

/** A per-million price: a number, or the catalog's tiers by total input tokens (`{ base, tiers }`). */
type UnitPrice = number | { base: number; tiers: { start: number; price: number }[] };

/**
 * Per-million prices of a model whose computation reduces to four products:
 * plain or input-tiered per-token prices, unconditional or dated (the entry in
 * force now, until `validUntil`, the next entry's start date).
 */
interface FlatPrices {
  input: UnitPrice;
  output: UnitPrice;
  cacheRead: UnitPrice | undefined;
  cacheWrite: UnitPrice | undefined;
  modelId: string;
  /** Whether any price is tiered (the catalog then reads `input_tokens` for the tier). */
  tiered: boolean;
  /** `Date.now()` past which the catalog would pick other dated prices (Infinity: never). */
  validUntil: number;
}

const FLAT_KEYS = new Set(['input_mtok', 'output_mtok', 'cache_read_mtok', 'cache_write_mtok']);
/**
 * Prices of usage we never report, so they add 0 as in the catalog: tool-call counts, and one-hour cache
 * writes (a part of `cache_write_tokens` the catalog takes out only when `cache_write_1h_tokens` is given).
 */
const ZERO_KEYS = new Set(['cache_write_1h_mtok']);

function unitPrice(v: unknown): UnitPrice | undefined {
  if (typeof v === 'number') return Number.isFinite(v) && v >= 0 ? v : undefined;
  if (v === null || typeof v !== 'object') return undefined;
  const t = v as { base?: unknown; tiers?: unknown };
  if (typeof t.base !== 'number' || !Array.isArray(t.tiers)) return undefined;
  const tiers: { start: number; price: number }[] = [];
  for (const tier of t.tiers as { start?: unknown; price?: unknown }[]) {
    if (typeof tier?.start !== 'number' || typeof tier.price !== 'number') return undefined;
    tiers.push({ start: tier.start, price: tier.price });
  }
  tiers.sort((a, b) => a.start - b.start);
  return { base: t.base, tiers };
}

/** Until when the dated entry the catalog picked stays in force (undefined: not only start dates). */
function validUntilOf(found: NonNullable<ModelFound>): number | undefined {
  const entries = found.model.prices;
  if (!Array.isArray(entries)) return Infinity;
  const picked = entries.findIndex((e) => e.prices === found.model_price);
  if (picked === -1) return undefined;
  let until = Infinity;
  for (let i = 0; i < entries.length; i++) {
    const c = (entries[i] as { constraint?: { type?: unknown; start_date?: unknown } }).constraint;
    if (c === undefined) continue;
    if (c.type !== 'start_date' || typeof c.start_date !== 'string') return undefined;
    const start = new Date(c.start_date).getTime();
    if (!Number.isFinite(start)) return undefined;
    // Entries are tried from the last: a later one takes over on its start date.
    if (i > picked) until = Math.min(until, start);
  }
  return until;
}

/** The model's prices when the catalog's computation reduces to four products (else undefined). */
function flatPrices(found: NonNullable<ModelFound>): FlatPrices | undefined {
  const validUntil = validUntilOf(found);
  if (validUntil === undefined || validUntil <= Date.now()) return undefined;
  const p = found.model_price as Record<string, unknown>;
  for (const [key, value] of Object.entries(p)) {
    if (value === undefined) continue;
    // Tool-call prices (`web_searches_kcount`…) count uses we never report: they add 0, as in the catalog.
    if (key.endsWith('_kcount') && key !== 'requests_kcount') continue;
    if (ZERO_KEYS.has(key)) continue;
    if (!FLAT_KEYS.has(key) || unitPrice(value) === undefined) return undefined;
  }
  const input = unitPrice(p.input_mtok);
  const output = unitPrice(p.output_mtok);
  if (input === undefined || output === undefined) return undefined;
  const cacheRead = p.cache_read_mtok === undefined ? undefined : unitPrice(p.cache_read_mtok);
  const cacheWrite = p.cache_write_mtok === undefined ? undefined : unitPrice(p.cache_write_mtok);
  return {
    input,
    output,
    cacheRead,
    cacheWrite,
    modelId: found.model.id,
    tiered: [input, output, cacheRead, cacheWrite].some((u) => typeof u === 'object'),
    validUntil,
  };
}

/** USD of `count` units at a per-million price, as the catalog computes it (a tier by total input tokens). */
function usd(price: UnitPrice | undefined, count: number, inputTokens: number): number {
  if (price === undefined) return 0;
  if (typeof price === 'number') return (price * count) / 1e6;
  if (count <= 0) return 0;
  let unit = price.base;
  for (const t of price.tiers) if (inputTokens > t.start) unit = t.price;
  return (((unit * count) / 1e6) * 1e6) / 1e6;
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
  const tierInput = f.tiered ? input : 0;
  const inputUsd =
    usd(f.input, uncached, tierInput) +
    usd(f.cacheRead, cacheRead, tierInput) +
    usd(f.cacheWrite, cacheWrite, tierInput);
  const outputUsd = usd(f.output, output, tierInput);
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
        const flat =
          entry.flat === undefined || Date.now() >= entry.flat.validUntil
            ? undefined
            : priceFlat(entry.flat, usage);
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
