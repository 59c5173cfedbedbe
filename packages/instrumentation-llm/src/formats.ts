import type { TokenUsage } from './pricing-types.js';

/*
 * Reading provider payloads: usage, response model/id, finish reasons and
 * output text, from a whole JSON body or from one server-sent event. Pure
 * functions over untrusted JSON: every field is checked before use.
 */

export type WireFormat =
  | 'openai.chat'
  | 'openai.responses'
  | 'openai.embeddings'
  | 'anthropic.messages'
  | 'gemini'
  | 'gemini.embeddings'
  | 'bedrock.converse'
  | 'bedrock.invoke'
  | 'ollama.chat'
  | 'ollama.generate'
  | 'ollama.embeddings';

/** What a payload told us; the operation merges it. */
export interface PayloadSink {
  setUsage(usage: TokenUsage): void;
  setResponseModel(model: string): void;
  setResponseId(id: string): void;
  addFinishReason(reason: string): void;
  appendOutputText(text: string): void;
  /** A stream reported an error event (`error.type` value). */
  streamError(type: string): void;
}

type Json = Record<string, unknown>;
const obj = (v: unknown): Json | undefined =>
  v !== null && typeof v === 'object' && !Array.isArray(v) ? (v as Json) : undefined;
const num = (v: unknown): number | undefined =>
  typeof v === 'number' && Number.isFinite(v) && v >= 0 ? v : undefined;
const str = (v: unknown): string | undefined =>
  typeof v === 'string' && v.length > 0 ? v : undefined;

/** OpenAI chat completions / embeddings usage: `prompt_tokens` already includes cached tokens. */
export function usageFromOpenAIChat(u: unknown): TokenUsage | undefined {
  const usage = obj(u);
  if (usage === undefined) return undefined;
  return {
    input: num(usage.prompt_tokens),
    output: num(usage.completion_tokens),
    cacheRead: num(obj(usage.prompt_tokens_details)?.cached_tokens),
    cacheCreation: num(obj(usage.prompt_tokens_details)?.cache_write_tokens),
    reasoning: num(obj(usage.completion_tokens_details)?.reasoning_tokens),
  };
}

/** OpenAI responses usage: `input_tokens` includes cached tokens. */
export function usageFromOpenAIResponses(u: unknown): TokenUsage | undefined {
  const usage = obj(u);
  if (usage === undefined) return undefined;
  return {
    input: num(usage.input_tokens),
    output: num(usage.output_tokens),
    cacheRead: num(obj(usage.input_tokens_details)?.cached_tokens),
    cacheCreation: num(obj(usage.input_tokens_details)?.cache_write_tokens),
    reasoning: num(obj(usage.output_tokens_details)?.reasoning_tokens),
  };
}

/**
 * Anthropic usage: `input_tokens` EXCLUDES cache reads and writes, so the
 * total input is the sum of the three (what the conventions ask for).
 * A streamed `message_delta` may repeat only some fields; `previous` (from
 * `message_start`) fills the rest.
 */
export function usageFromAnthropic(u: unknown, previous?: Json): TokenUsage | undefined {
  const usage = obj(u);
  if (usage === undefined) return undefined;
  const pick = (k: string) => num(usage[k]) ?? num(previous?.[k]);
  const uncached = pick('input_tokens');
  const cacheRead = pick('cache_read_input_tokens');
  const cacheCreation = pick('cache_creation_input_tokens');
  const thinking =
    num(obj(usage.output_tokens_details)?.thinking_tokens) ??
    num(obj(previous?.output_tokens_details)?.thinking_tokens);
  return {
    input: uncached === undefined ? undefined : uncached + (cacheRead ?? 0) + (cacheCreation ?? 0),
    output: pick('output_tokens'),
    cacheRead,
    cacheCreation,
    reasoning: thinking,
  };
}

function meta(sink: PayloadSink, body: Json): void {
  const model = str(body.model);
  if (model !== undefined) sink.setResponseModel(model);
  const id = str(body.id);
  if (id !== undefined) sink.setResponseId(id);
}

/** A whole (non-streamed) JSON response body. */
export function readJsonBody(format: WireFormat, value: unknown, sink: PayloadSink): void {
  const body = obj(value);
  if (body === undefined) return;
  meta(sink, body);
  switch (format) {
    case 'openai.chat':
    case 'openai.embeddings': {
      const usage = usageFromOpenAIChat(body.usage);
      if (usage !== undefined) sink.setUsage(usage);
      if (Array.isArray(body.choices)) {
        for (const c of body.choices) {
          const choice = obj(c);
          const reason = str(choice?.finish_reason);
          if (reason !== undefined) sink.addFinishReason(reason);
          const content = obj(choice?.message)?.content;
          if (typeof content === 'string') sink.appendOutputText(content);
        }
      }
      return;
    }
    case 'openai.responses':
      readResponseObject(body, sink);
      return;
    case 'anthropic.messages': {
      const usage = usageFromAnthropic(body.usage);
      if (usage !== undefined) sink.setUsage(usage);
      const reason = str(body.stop_reason);
      if (reason !== undefined) sink.addFinishReason(reason);
      if (Array.isArray(body.content)) {
        for (const block of body.content) {
          const text = obj(block)?.text;
          if (typeof text === 'string') sink.appendOutputText(text);
        }
      }
      return;
    }
    default:
      return;
  }
}

function readResponseObject(response: Json, sink: PayloadSink, withText = true): void {
  meta(sink, response);
  const usage = usageFromOpenAIResponses(response.usage);
  if (usage !== undefined) sink.setUsage(usage);
  const incomplete = str(obj(response.incomplete_details)?.reason);
  const status = str(response.status);
  if (incomplete !== undefined) sink.addFinishReason(incomplete);
  else if (status !== undefined && status !== 'in_progress') sink.addFinishReason(status);
  if (!withText || !Array.isArray(response.output)) return;
  for (const item of response.output) {
    const content = obj(item)?.content;
    if (!Array.isArray(content)) continue;
    for (const part of content) {
      const p = obj(part);
      if (p?.type === 'output_text' && typeof p.text === 'string') sink.appendOutputText(p.text);
    }
  }
}

/** Per-stream parser state that must survive between events (Anthropic's `message_start` usage). */
export interface StreamState {
  anthropicStartUsage?: Json;
}

/**
 * One server-sent event's JSON `data`. Returns true when the event ends the
 * stream normally (so a stream that stops without it was cut short).
 */
export function readStreamEvent(
  format: WireFormat,
  value: unknown,
  sink: PayloadSink,
  state: StreamState,
): boolean {
  const ev = obj(value);
  if (ev === undefined) return false;
  if (
    ev.type === 'error' ||
    (ev.error !== undefined && ev.error !== null && ev.choices === undefined)
  ) {
    sink.streamError('stream_error');
    return format !== 'openai.chat';
  }
  switch (format) {
    case 'openai.chat':
    case 'openai.embeddings': {
      meta(sink, ev);
      const usage = usageFromOpenAIChat(ev.usage);
      if (usage !== undefined) sink.setUsage(usage);
      if (Array.isArray(ev.choices)) {
        for (const c of ev.choices) {
          const choice = obj(c);
          const reason = str(choice?.finish_reason);
          if (reason !== undefined) sink.addFinishReason(reason);
          const content = obj(choice?.delta)?.content;
          if (typeof content === 'string') sink.appendOutputText(content);
        }
      }
      return false; // the terminal event is the literal `[DONE]`
    }
    case 'openai.responses': {
      const type = str(ev.type) ?? '';
      if (type === 'response.output_text.delta' && typeof ev.delta === 'string') {
        sink.appendOutputText(ev.delta);
        return false;
      }
      const response = obj(ev.response);
      if (response !== undefined) readResponseObject(response, sink, false);
      return (
        type === 'response.completed' ||
        type === 'response.incomplete' ||
        type === 'response.failed'
      );
    }
    case 'anthropic.messages': {
      switch (ev.type) {
        case 'message_start': {
          const message = obj(ev.message);
          if (message === undefined) return false;
          meta(sink, message);
          state.anthropicStartUsage = obj(message.usage);
          const usage = usageFromAnthropic(message.usage);
          if (usage !== undefined) sink.setUsage(usage);
          return false;
        }
        case 'content_block_delta': {
          const delta = obj(ev.delta);
          if (delta?.type === 'text_delta' && typeof delta.text === 'string')
            sink.appendOutputText(delta.text);
          return false;
        }
        case 'message_delta': {
          const reason = str(obj(ev.delta)?.stop_reason);
          if (reason !== undefined) sink.addFinishReason(reason);
          const usage = usageFromAnthropic(ev.usage, state.anthropicStartUsage);
          if (usage !== undefined) sink.setUsage(usage);
          return false;
        }
        case 'message_stop':
          return true;
        default:
          return false;
      }
    }
    default:
      return false;
  }
}

/** The wire format of a request, from its URL path (for the fetch wrapper). */
export function formatFromPath(
  pathname: string,
  api: 'openai' | 'anthropic',
): WireFormat | undefined {
  if (api === 'anthropic') return pathname.endsWith('/messages') ? 'anthropic.messages' : undefined;
  if (pathname.endsWith('/chat/completions')) return 'openai.chat';
  if (pathname.endsWith('/responses')) return 'openai.responses';
  if (pathname.endsWith('/embeddings')) return 'openai.embeddings';
  return undefined;
}
