/**
 * Token counts of one operation, normalized across providers: `input` is the
 * total input including cache reads and writes (OpenAI already counts cached
 * tokens in `prompt_tokens`; Anthropic reports them apart, so they are added),
 * and `output` includes reasoning tokens.
 */
export interface TokenUsage {
  input?: number;
  output?: number;
  /** Input tokens served from the provider's prompt cache (part of `input`). */
  cacheRead?: number;
  /** Input tokens written to the provider's prompt cache (part of `input`). */
  cacheCreation?: number;
  /** Output tokens spent on reasoning / extended thinking (part of `output`). */
  reasoning?: number;
}

/** A price computed for one operation, in USD. */
export interface PriceQuote {
  /** Cost of all input tokens (uncached, cache reads and cache writes). */
  inputUsd: number;
  outputUsd: number;
  totalUsd: number;
  /** The model id the price belongs to (the catalog's or the override's pattern). */
  modelId: string;
}

/**
 * Where prices come from. The default is the bundled `@pydantic/genai-prices`
 * catalog; any object with this shape can replace it.
 */
export interface PriceCatalog {
  /** The price of `usage` on `model` at `provider`, or `undefined` when the model has no price. */
  price(usage: TokenUsage, model: string, provider: string): PriceQuote | undefined;
}

/** Prices per million tokens for one tier. */
export interface OverridePrices {
  /** USD (or `currency`) per million uncached input tokens. */
  inputPerMTok: number;
  /** Per million output tokens (reasoning included). */
  outputPerMTok: number;
  /** Per million cache-read input tokens. @default inputPerMTok */
  cacheReadPerMTok?: number;
  /** Per million cache-write input tokens. @default inputPerMTok */
  cacheWritePerMTok?: number;
}

/**
 * A user price for a model, matched before the catalog. Also the shape of each
 * entry of the `MCPMETER_PRICES_FILE` JSON array.
 *
 * @example
 * { "provider": "openrouter", "model": "gpt-4.1*", "inputPerMTok": 1.8, "outputPerMTok": 7.2 }
 */
export interface PriceOverride extends OverridePrices {
  /** `gen_ai.provider.name` this price applies to; omitted: any provider. */
  provider?: string;
  /** Exact model name (case-insensitive), or a prefix ending in `*`. */
  model: string;
  /**
   * Long-context tiers: when the request's total input tokens exceed
   * `aboveInputTokens`, the whole request is priced at that tier (the highest
   * tier exceeded wins), as providers bill long-context requests.
   */
  tiers?: (OverridePrices & { aboveInputTokens: number })[];
  /**
   * Currency of the prices above. Metrics are always in USD: any other
   * currency needs `usdPerUnit`. @default 'USD'
   */
  currency?: string;
  /** USD per one unit of `currency` (e.g. 1.08 for EUR), required unless currency is USD. */
  usdPerUnit?: number;
}
