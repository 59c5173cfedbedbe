import type { PayloadSink } from './formats.js';
import { obj, num, str } from './json.js';

/*
 * Ollama's native API: /api/chat and /api/generate (one JSON object, or NDJSON
 * lines ending with `"done":true` carrying the counts) and /api/embed.
 * https://github.com/ollama/ollama/blob/main/docs/api.md
 */

/** One Ollama object (a whole body or an NDJSON line); true when it is the last (`done`). */
export function readOllama(value: unknown, sink: PayloadSink): boolean {
  const body = obj(value);
  if (body === undefined) return false;
  if (body.error !== undefined) {
    sink.streamError('stream_error');
    return true;
  }
  const model = str(body.model);
  if (model !== undefined) sink.setResponseModel(model);
  const text = obj(body.message)?.content ?? body.response;
  if (typeof text === 'string' && text.length > 0) sink.appendOutputText(text);
  const input = num(body.prompt_eval_count);
  const output = num(body.eval_count);
  if (input !== undefined || output !== undefined) sink.setUsage({ input, output });
  if (body.done !== true) return false;
  const reason = str(body.done_reason);
  if (reason !== undefined) sink.addFinishReason(reason);
  return true;
}

export function readOllamaEmbeddings(value: unknown, sink: PayloadSink): void {
  const body = obj(value);
  if (body === undefined) return;
  const model = str(body.model);
  if (model !== undefined) sink.setResponseModel(model);
  const input = num(body.prompt_eval_count);
  if (input !== undefined) sink.setUsage({ input });
}
