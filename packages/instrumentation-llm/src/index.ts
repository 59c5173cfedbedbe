// Every export here is public API of @mcpmeter/instrumentation-llm.
export { LlmInstrumentation } from './instrumentation.js';
export { instrumentAnthropic, instrumentOpenAI } from './manual.js';
export { instrumentFetch, type InstrumentFetchOptions } from './fetch.js';
export { genaiPricesCatalog } from './pricing.js';
export { PRICES_FILE_ENV } from './pricer.js';
export { ENDPOINTS_ENV } from './wire/endpoints.js';
export type {
  ContentCaptureOptions,
  LlmEndpoint,
  LlmInstrumentationConfig,
  LlmTelemetryOptions,
} from './types.js';
export type {
  OverridePrices,
  PriceCatalog,
  PriceOverride,
  PriceQuote,
  TokenUsage,
} from './pricing-types.js';
export {
  ATTR_MCPMETER_COST_USD,
  ATTR_MCPMETER_PRICE_SOURCE,
  ATTR_MCPMETER_TOKENS_ESTIMATED,
  METRIC_GEN_AI_CLIENT_ACTIVE_REQUESTS,
  METRIC_GEN_AI_CLIENT_COST_UNPRICED,
  METRIC_GEN_AI_CLIENT_COST_USD,
  METRIC_MCPMETER_LLM_UNPARSED,
  ATTR_GEN_AI_USAGE_CACHE_WRITE_INPUT_TOKENS,
  SEMCONV_OPT_IN_CACHE_CREATION_DUP,
  TOKEN_TYPE_CACHE_CREATION,
  TOKEN_TYPE_CACHE_WRITE,
  TOKEN_TYPE_CACHE_READ,
  TOKEN_TYPE_INPUT,
  TOKEN_TYPE_OUTPUT,
  TOKEN_TYPE_REASONING,
} from './semconv.js';
