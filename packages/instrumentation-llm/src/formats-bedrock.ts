import { readJsonBody, readStreamEvent, type PayloadSink, type StreamState } from './formats.js';
import { obj, num, str } from './json.js';
import type { TokenUsage } from './pricing-types.js';

/*
 * Bedrock Converse / ConverseStream and InvokeModel(WithResponseStream).
 * Converse's `inputTokens` excludes cache reads and writes: the total input is
 * the sum (as genai-prices' AWS extractor counts it).
 * https://docs.aws.amazon.com/bedrock/latest/APIReference/API_runtime_TokenUsage.html
 */

export function usageFromConverse(u: unknown): TokenUsage | undefined {
  const usage = obj(u);
  if (usage === undefined) return undefined;
  const input = num(usage.inputTokens);
  const cacheRead = num(usage.cacheReadInputTokens);
  const cacheWrite = num(usage.cacheWriteInputTokens);
  return {
    input: input === undefined ? undefined : input + (cacheRead ?? 0) + (cacheWrite ?? 0),
    output: num(usage.outputTokens),
    cacheRead,
    cacheCreation: cacheWrite,
  };
}

/** A whole Converse response. */
export function readConverse(value: unknown, sink: PayloadSink): void {
  const body = obj(value);
  if (body === undefined) return;
  const usage = usageFromConverse(body.usage);
  if (usage !== undefined) sink.setUsage(usage);
  const reason = str(body.stopReason);
  if (reason !== undefined) sink.addFinishReason(reason);
  const content = obj(obj(body.output)?.message)?.content;
  if (Array.isArray(content))
    for (const block of content) {
      const text = obj(block)?.text;
      if (typeof text === 'string') sink.appendOutputText(text);
    }
}

/** One ConverseStream event (its `:event-type` and JSON payload); true for the last (`metadata`). */
export function readConverseEvent(type: string, value: unknown, sink: PayloadSink): boolean {
  const ev = obj(value);
  if (ev === undefined) return false;
  switch (type) {
    case 'contentBlockDelta': {
      const text = obj(ev.delta)?.text;
      if (typeof text === 'string') sink.appendOutputText(text);
      return false;
    }
    case 'messageStop': {
      const reason = str(ev.stopReason);
      if (reason !== undefined) sink.addFinishReason(reason);
      return false;
    }
    case 'metadata': {
      const usage = usageFromConverse(ev.usage);
      if (usage !== undefined) sink.setUsage(usage);
      return true;
    }
    default:
      return false;
  }
}

/** InvokeModel: the model's own body (Anthropic messages on Bedrock). */
export function readInvoke(value: unknown, sink: PayloadSink & { usage?: TokenUsage }): void {
  readJsonBody('anthropic.messages', value, sink);
}

/**
 * One InvokeModelWithResponseStream `chunk` event: `{"bytes":"<base64 of the
 * model's own stream event>"}`. Anthropic models send Anthropic events; the
 * last one carries `amazon-bedrock-invocationMetrics`, used when the model's
 * event had no usage.
 */
export function readInvokeChunk(
  value: unknown,
  sink: PayloadSink & { usage?: TokenUsage },
  state: StreamState,
): boolean {
  const b64 = str(obj(value)?.bytes);
  if (b64 === undefined) return false;
  const inner: unknown = JSON.parse(Buffer.from(b64, 'base64').toString('utf8'));
  const terminal = readStreamEvent('anthropic.messages', inner, sink, state);
  const metrics = obj(obj(inner)?.['amazon-bedrock-invocationMetrics']);
  if (metrics !== undefined && sink.usage === undefined) {
    const input = num(metrics.inputTokenCount);
    const cacheRead = num(metrics.cacheReadInputTokenCount);
    const cacheWrite = num(metrics.cacheWriteInputTokenCount);
    sink.setUsage({
      input: input === undefined ? undefined : input + (cacheRead ?? 0) + (cacheWrite ?? 0),
      output: num(metrics.outputTokenCount),
      cacheRead,
      cacheCreation: cacheWrite,
    });
  }
  return terminal;
}
