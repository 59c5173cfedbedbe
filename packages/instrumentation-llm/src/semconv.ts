/*
 * GenAI names this package uses that `@mcpmeter/core` does not carry, copied
 * (never imported at run time: the GenAI conventions are "Development" status
 * and live in the incubating entry point). Source: the GenAI conventions as
 * published in @opentelemetry/semantic-conventions 1.45 (semconv 1.38 line),
 * now maintained in open-telemetry/semantic-conventions-genai. Names marked
 * "not in semconv" are mcpmeter's own, in the same style.
 */

export const ATTR_GEN_AI_REQUEST_MAX_TOKENS = 'gen_ai.request.max_tokens';
export const ATTR_GEN_AI_REQUEST_TEMPERATURE = 'gen_ai.request.temperature';
export const ATTR_GEN_AI_REQUEST_TOP_P = 'gen_ai.request.top_p';
export const ATTR_GEN_AI_REQUEST_STREAM = 'gen_ai.request.stream';
export const ATTR_GEN_AI_REQUEST_ENCODING_FORMATS = 'gen_ai.request.encoding_formats';
export const ATTR_GEN_AI_RESPONSE_TIME_TO_FIRST_CHUNK = 'gen_ai.response.time_to_first_chunk';
/** Stable HTTP attribute: how many times the request was re-sent (retries). */
export const ATTR_HTTP_REQUEST_RESEND_COUNT = 'http.request.resend_count';
export const ATTR_HTTP_RESPONSE_STATUS_CODE = 'http.response.status_code';
/** Stable cloud attribute: the AWS region of a Bedrock endpoint. */
export const ATTR_CLOUD_REGION = 'cloud.region';
/**
 * Cache writes, under the name semantic-conventions-genai#440 gave them
 * (previously `gen_ai.usage.cache_creation.input_tokens`, still emitted as
 * well when OTEL_SEMCONV_STABILITY_OPT_IN contains `gen_ai_cache_creation/dup`).
 */
export const ATTR_GEN_AI_USAGE_CACHE_WRITE_INPUT_TOKENS = 'gen_ai.usage.cache_write.input_tokens';
export const ATTR_GEN_AI_USAGE_CACHE_CREATION_INPUT_TOKENS_PREVIOUS =
  'gen_ai.usage.cache_creation.input_tokens';
/** The OTEL_SEMCONV_STABILITY_OPT_IN value that keeps the previous cache-write name as well. */
export const SEMCONV_OPT_IN_CACHE_CREATION_DUP = 'gen_ai_cache_creation/dup';

/** Not in semconv: cost of the operation in USD, from the price catalog or an override. */
export const ATTR_MCPMETER_COST_USD = 'mcpmeter.cost.usd';
/** Not in semconv: `catalog` or `override`. */
export const ATTR_MCPMETER_PRICE_SOURCE = 'mcpmeter.price.source';
/** Not in semconv: true when token counts were estimated with a tokenizer, not reported by the provider. */
export const ATTR_MCPMETER_TOKENS_ESTIMATED = 'mcpmeter.tokens.estimated';

export const METRIC_GEN_AI_CLIENT_ACTIVE_REQUESTS = 'gen_ai.client.active_requests';
export const METRIC_GEN_AI_CLIENT_COST_USD = 'gen_ai.client.cost.usd';
export const METRIC_GEN_AI_CLIENT_COST_UNPRICED = 'gen_ai.client.cost.unpriced';
/** Not in semconv: calls to a recognised LLM endpoint whose body could not be read (Prometheus `mcpmeter_llm_unparsed_total`). */
export const METRIC_MCPMETER_LLM_UNPARSED = 'mcpmeter.llm.unparsed';
/** Not in semconv: why a body could not be read (content_type, invalid_json, unrecognised_body, eventstream_crc, unknown_operation…). */
export const ATTR_MCPMETER_UNPARSED_REASON = 'mcpmeter.unparsed.reason';

/*
 * `gen_ai.token.type` values. `input` and `output` are the semconv values and
 * are totals (input includes cached tokens, output includes reasoning tokens,
 * as the conventions ask). The other three are breakdowns of those totals
 * (not in semconv): sum `input` + `output` for the total, never all five.
 */
export const TOKEN_TYPE_INPUT = 'input';
export const TOKEN_TYPE_OUTPUT = 'output';
export const TOKEN_TYPE_CACHE_READ = 'cache_read';
/** Cache writes (`cache_write`, after semantic-conventions-genai#440); was `cache_creation`. */
export const TOKEN_TYPE_CACHE_WRITE = 'cache_write';
/** The previous value, still recorded as well under OTEL_SEMCONV_STABILITY_OPT_IN=gen_ai_cache_creation/dup. */
export const TOKEN_TYPE_CACHE_CREATION = 'cache_creation';
export const TOKEN_TYPE_REASONING = 'reasoning';

export const PROVIDER_OPENAI = 'openai';
export const PROVIDER_ANTHROPIC = 'anthropic';
