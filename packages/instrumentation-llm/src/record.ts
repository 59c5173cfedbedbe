import { SpanStatusCode, diag, type Attributes, type Span } from '@opentelemetry/api';
import { semconv } from '@mcpmeter/core';
import type { LlmOperation } from './operation.js';
import type { TokenUsage } from './pricing-types.js';
import {
  ATTR_GEN_AI_USAGE_CACHE_CREATION_INPUT_TOKENS_PREVIOUS,
  ATTR_GEN_AI_USAGE_CACHE_WRITE_INPUT_TOKENS,
  ATTR_HTTP_REQUEST_RESEND_COUNT,
  ATTR_HTTP_RESPONSE_STATUS_CODE,
  ATTR_MCPMETER_COST_USD,
  ATTR_MCPMETER_PRICE_SOURCE,
  ATTR_MCPMETER_TOKENS_ESTIMATED,
  TOKEN_TYPE_CACHE_CREATION,
  TOKEN_TYPE_CACHE_WRITE,
  TOKEN_TYPE_CACHE_READ,
  TOKEN_TYPE_INPUT,
  TOKEN_TYPE_OUTPUT,
  TOKEN_TYPE_REASONING,
} from './semconv.js';

export interface Outcome {
  errorType: string | undefined;
  cancelled: boolean;
  status: number | undefined;
  error: unknown;
  captured: string | undefined;
}

const MAX_UNPRICED_WARNINGS = 100;

/** Records the metrics of a finished operation and ends (or enriches) its span. */
export function recordOutcome(op: LlmOperation, outcome: Outcome): void {
  const t = op.telemetry;
  const inst = op.inst;
  const { errorType } = outcome;
  inst.active.add(-1, op.activeAttrs);
  const seconds = (performance.now() - op.startedAt) / 1000;
  inst.duration.record(seconds, op.operationAttributes(errorType));

  let usage = op.usage;
  let estimated = false;
  if (usage === undefined && t.options.tokenEstimator !== undefined) {
    usage = {
      input: op.estimatedInput,
      output: op.init.operation === 'embeddings' ? undefined : op.estimatedOutput,
    };
    estimated = true;
  }
  const spanAttrs: Attributes = {};
  if (usage !== undefined) recordTokens(op, usage, estimated, spanAttrs);

  if (
    usage !== undefined &&
    !estimated &&
    (usage.input !== undefined || usage.output !== undefined)
  ) {
    recordCost(op, usage, spanAttrs);
  }

  const span = op.span ?? (op.foreignSpan?.isRecording() ? op.foreignSpan : undefined);
  if (span === undefined) return;
  if (op.responseModel !== undefined)
    spanAttrs[semconv.ATTR_GEN_AI_RESPONSE_MODEL] = op.responseModel;
  if (op.responseId !== undefined) spanAttrs[semconv.ATTR_GEN_AI_RESPONSE_ID] = op.responseId;
  if (op.finishReasons.length > 0)
    spanAttrs[semconv.ATTR_GEN_AI_RESPONSE_FINISH_REASONS] = op.finishReasons;
  if (op.span !== undefined) finishOwnSpan(op.span, op, outcome, spanAttrs);
  else span.setAttributes(spanAttrs);
}

function finishOwnSpan(span: Span, op: LlmOperation, outcome: Outcome, attrs: Attributes): void {
  if (op.attempts > 1) attrs[ATTR_HTTP_REQUEST_RESEND_COUNT] = op.attempts - 1;
  if (outcome.status !== undefined) attrs[ATTR_HTTP_RESPONSE_STATUS_CODE] = outcome.status;
  if (outcome.captured !== undefined) attrs[semconv.ATTR_GEN_AI_OUTPUT_MESSAGES] = outcome.captured;
  if (outcome.errorType !== undefined) {
    attrs[semconv.ATTR_ERROR_TYPE] = outcome.errorType;
    span.setStatus({ code: SpanStatusCode.ERROR });
  }
  span.setAttributes(attrs);
  span.end();
}

function recordTokens(
  op: LlmOperation,
  usage: TokenUsage,
  estimated: boolean,
  spanAttrs: Attributes,
): void {
  const t = op.telemetry;
  const series = op.series();
  const histogram = op.inst.tokens;
  const record = (value: number | undefined, type: string, onlyPositive: boolean) => {
    if (value === undefined || (onlyPositive && value <= 0)) return;
    histogram.record(value, series.tokens(type, estimated));
  };
  record(usage.input, TOKEN_TYPE_INPUT, false);
  record(usage.output, TOKEN_TYPE_OUTPUT, false);
  record(usage.cacheRead, TOKEN_TYPE_CACHE_READ, true);
  record(usage.cacheCreation, TOKEN_TYPE_CACHE_WRITE, true);
  if (t.cacheCreationDup) record(usage.cacheCreation, TOKEN_TYPE_CACHE_CREATION, true);
  record(usage.reasoning, TOKEN_TYPE_REASONING, true);
  if (usage.input !== undefined) spanAttrs[semconv.ATTR_GEN_AI_USAGE_INPUT_TOKENS] = usage.input;
  if (usage.output !== undefined) spanAttrs[semconv.ATTR_GEN_AI_USAGE_OUTPUT_TOKENS] = usage.output;
  if (usage.cacheRead !== undefined)
    spanAttrs[semconv.ATTR_GEN_AI_USAGE_CACHE_READ_INPUT_TOKENS] = usage.cacheRead;
  if (usage.cacheCreation !== undefined) {
    spanAttrs[ATTR_GEN_AI_USAGE_CACHE_WRITE_INPUT_TOKENS] = usage.cacheCreation;
    if (t.cacheCreationDup)
      spanAttrs[ATTR_GEN_AI_USAGE_CACHE_CREATION_INPUT_TOKENS_PREVIOUS] = usage.cacheCreation;
  }
  if (usage.reasoning !== undefined)
    spanAttrs[semconv.ATTR_GEN_AI_USAGE_REASONING_OUTPUT_TOKENS] = usage.reasoning;
  if (estimated) spanAttrs[ATTR_MCPMETER_TOKENS_ESTIMATED] = true;
}

function recordCost(op: LlmOperation, usage: TokenUsage, spanAttrs: Attributes): void {
  const t = op.telemetry;
  const i = op.init;
  const model = i.priceByRequestModel
    ? (i.requestModel ?? op.responseModel)
    : (op.responseModel ?? i.requestModel);
  const modelLabel = op.requestModelLabel;
  const priced =
    model === undefined
      ? undefined
      : i.localModel === true
        ? t.pricer.priceLocal(usage, model, i.provider)
        : t.pricer.price(usage, model, i.provider, i.catalogProvider);
  if (priced === undefined) {
    op.inst.unpriced.add(1, t.unpricedAttrs.get(i.provider, modelLabel));
    const key = `${i.provider}\u0000${model ?? ''}`;
    if (!t.warnedUnpriced.has(key) && t.warnedUnpriced.size < MAX_UNPRICED_WARNINGS) {
      t.warnedUnpriced.add(key);
      diag.warn(
        `mcpmeter: no price for model "${model ?? '(none)'}" of provider "${i.provider}"; tokens are recorded without cost. ` +
          'Add a price override (prices option or MCPMETER_PRICES_FILE, see docs/pricing.md).',
      );
    }
    return;
  }
  const { quote, source } = priced;
  const series = op.series();
  op.inst.cost.add(quote.inputUsd, series.cost(TOKEN_TYPE_INPUT, source));
  if (usage.output !== undefined) {
    op.inst.cost.add(quote.outputUsd, series.cost(TOKEN_TYPE_OUTPUT, source));
  }
  spanAttrs[ATTR_MCPMETER_COST_USD] = quote.totalUsd;
  spanAttrs[ATTR_MCPMETER_PRICE_SOURCE] = source;
}
