import type { InstrumentationConfig } from '@opentelemetry/instrumentation';
import type { PriceCatalog, PriceOverride } from './pricing-types.js';

/** An OpenAI-compatible (or Anthropic-compatible) HTTP endpoint, chosen by base URL. */
export interface LlmEndpoint {
  /**
   * Requests whose URL starts with this base URL belong to the endpoint,
   * e.g. `https://openrouter.ai/api/v1` or `http://127.0.0.1:8000/v1`.
   */
  baseURL: string;
  /**
   * `gen_ai.provider.name` for calls to this endpoint, e.g. `openai`, `openrouter`, `vllm`.
   * A known value (openai, azure.ai.openai, anthropic, gcp.gemini, gcp.vertex_ai, aws.bedrock,
   * mistral_ai, groq, deepseek, x_ai, openrouter, ollama) also picks the wire format and the
   * price catalog's provider.
   */
  providerName: string;
  /**
   * Which provider of the price catalog prices these calls when no override
   * matches (a relay that resells OpenAI models at OpenAI's list price: `openai`).
   * A `gen_ai.provider.name` value is mapped to the catalog's id (`aws.bedrock` → `aws`).
   * @default providerName
   */
  catalogProvider?: string;
  /**
   * The wire format spoken: `openai` (chat completions, responses, embeddings),
   * `anthropic` (messages), `gemini` (generateContent), `bedrock` (Converse,
   * InvokeModel) or `ollama` (/api/chat, /api/generate, /api/embed).
   * @default the provider's format when providerName is a known value, else 'openai'
   */
  api?: 'openai' | 'anthropic' | 'gemini' | 'bedrock' | 'ollama';
}

/** Opt-in capture of prompt and completion content. */
export interface ContentCaptureOptions {
  /**
   * Longest captured value, in UTF-16 code units, per attribute; longer
   * values are cut and end with `…[truncated]`.
   * @default 8192
   */
  maxLength?: number;
  /**
   * Called with the serialized messages before they are recorded; return the
   * text to record, or `undefined` to record nothing. Runs inside a guard: a
   * throw records nothing.
   * @default undefined (record as is)
   */
  redact?: (text: string, kind: 'input' | 'output') => string | undefined;
}

/** Options shared by {@link LlmInstrumentation}, `instrumentOpenAI`, `instrumentAnthropic` and `instrumentFetch`. */
export interface LlmTelemetryOptions {
  /**
   * Model names allowed as metric label values (`gen_ai_request_model`,
   * `gen_ai_response_model`); any other model becomes `_OTHER`. A relay or an
   * upstream controls the response model string, so it must be bounded.
   * When unset, the first `maxModels` distinct names seen are allowed.
   * Span attributes always carry the real name.
   * @default undefined
   */
  models?: string[];
  /**
   * Most distinct model names admitted as label values when `models` is unset.
   * @default 50
   */
  maxModels?: number;
  /**
   * Price overrides, matched before the catalog: a relay's own prices, an
   * in-house model. See docs/pricing.md.
   * @default []
   */
  prices?: PriceOverride[];
  /**
   * A JSON file of price overrides (an array of {@link PriceOverride}), read
   * once at construction. Environment: `MCPMETER_PRICES_FILE`.
   * @default process.env.MCPMETER_PRICES_FILE
   */
  pricesFile?: string;
  /**
   * The price catalog consulted when no override matches; `false` prices only
   * overrides. @default the bundled `@pydantic/genai-prices` catalog
   */
  catalog?: PriceCatalog | false;
  /**
   * Record `gen_ai.input.messages` / `gen_ai.output.messages` on spans.
   * Off by default: prompts and completions are user data.
   * @default false
   */
  captureContent?: boolean | ContentCaptureOptions;
  /**
   * Counts tokens of a text, to estimate usage when the provider sends none
   * (an OpenAI stream without `stream_options.include_usage`, a relay that
   * drops usage). Estimated counts carry `mcpmeter.tokens.estimated=true` and
   * are never priced. Off by default. Example with `gpt-tokenizer`:
   * `tokenEstimator: (text) => countTokens(text)`.
   * @default undefined
   */
  tokenEstimator?: (text: string, model: string | undefined) => number;
  /**
   * Add `stream_options: { include_usage: true }` to OpenAI chat-completion
   * stream requests that do not set it, so the final chunk carries usage. This
   * changes the request: the stream then ends with a chunk whose `choices` is
   * empty, which code reading `chunk.choices[0]` must tolerate.
   * @default false
   */
  includeStreamUsage?: boolean;
  /**
   * Endpoints known by base URL. For SDK clients a match sets the provider
   * name and catalog provider of calls made through a client with that
   * base URL (an `openai` client pointed at a relay); for `instrumentFetch`
   * only matching requests are instrumented.
   * @default []
   */
  endpoints?: LlmEndpoint[];
}

/** Configuration of {@link LlmInstrumentation}. */
export interface LlmInstrumentationConfig extends InstrumentationConfig, LlmTelemetryOptions {
  /**
   * Capture LLM calls on the wire: every POST to a recognised endpoint (the
   * providers' public hosts, `endpoints`, and `MCPMETER_LLM_ENDPOINTS`) made
   * through Node's fetch (undici), node:http/https or node:http2 is recorded,
   * whatever client made it. Calls already recorded by the openai /
   * @anthropic-ai/sdk hooks are not recorded twice. Environment:
   * `MCPMETER_LLM_WIRE=false` turns it off.
   * @default process.env.MCPMETER_LLM_WIRE !== 'false'
   */
  captureWire?: boolean;
}
