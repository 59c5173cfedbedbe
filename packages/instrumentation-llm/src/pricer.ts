import { diag } from '@opentelemetry/api';
import { describeError, safeExecute } from '@mcpmeter/core';
import {
  compileOverrides,
  findOverride,
  genaiPricesCatalog,
  priceWithOverride,
  readOverridesFile,
  type CompiledOverride,
} from './pricing.js';
import type { PriceCatalog, PriceQuote, PriceOverride, TokenUsage } from './pricing-types.js';

export const PRICES_FILE_ENV = 'MCPMETER_PRICES_FILE';

export interface PricerOptions {
  prices?: PriceOverride[];
  pricesFile?: string;
  catalog?: PriceCatalog | false;
}

export interface PricedUsage {
  quote: PriceQuote;
  /** `local`: a model run locally (Ollama) that no override prices, counted at 0 USD. */
  source: 'catalog' | 'override' | 'local';
}

/**
 * Overrides first, then the catalog; `undefined` when neither knows the model
 * (never a guessed price). Bad overrides are reported once through `diag` and
 * left out: a typo in a price file must not take the host down.
 */
export class Pricer {
  private readonly overrides: CompiledOverride[] = [];
  private readonly catalog: PriceCatalog | undefined;

  constructor(options: PricerOptions = {}) {
    this.catalog =
      options.catalog === false ? undefined : (options.catalog ?? genaiPricesCatalog());
    if (options.prices !== undefined) {
      this.load(() => compileOverrides(options.prices ?? [], 'prices'), 'the "prices" option');
    }
    const file = options.pricesFile ?? process.env[PRICES_FILE_ENV];
    if (file !== undefined && file !== '') {
      const setting = options.pricesFile !== undefined ? 'pricesFile' : PRICES_FILE_ENV;
      this.load(() => readOverridesFile(file, setting), setting);
    }
  }

  private load(compile: () => CompiledOverride[], what: string): void {
    try {
      // Code overrides are loaded first and so win over the file on equal matches.
      this.overrides.push(...compile());
    } catch (err) {
      diag.error(`mcpmeter: price overrides from ${what} ignored: ${describeError(err)}`);
    }
  }

  /** A local model: an override's price when one matches, else 0 USD labelled `local`. */
  priceLocal(usage: TokenUsage, model: string, provider: string): PricedUsage {
    const o = findOverride(this.overrides, model, provider);
    if (o !== undefined) return { quote: priceWithOverride(o, usage), source: 'override' };
    return { quote: { inputUsd: 0, outputUsd: 0, totalUsd: 0, modelId: model }, source: 'local' };
  }

  /** The price of `usage`, or undefined when no override and no catalog entry matches. */
  price(
    usage: TokenUsage,
    model: string,
    provider: string,
    catalogProvider = provider,
  ): PricedUsage | undefined {
    const o = findOverride(this.overrides, model, provider);
    if (o !== undefined) return { quote: priceWithOverride(o, usage), source: 'override' };
    if (this.catalog === undefined) return undefined;
    const catalog = this.catalog;
    const quote = safeExecute(
      () => catalog.price(usage, model, catalogProvider),
      'price catalog lookup',
    );
    return quote === undefined ? undefined : { quote, source: 'catalog' };
  }
}
