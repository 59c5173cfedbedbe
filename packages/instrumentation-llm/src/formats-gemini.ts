import type { PayloadSink } from './formats.js';
import { obj, num, str } from './json.js';
import type { TokenUsage } from './pricing-types.js';

/*
 * Gemini generateContent / streamGenerateContent (AI Studio and Vertex): one
 * GenerateContentResponse per body or per stream chunk. `candidatesTokenCount`
 * excludes thinking tokens and `promptTokenCount` excludes tool-use prompt
 * tokens, so output and input are sums (as genai-prices' Google extractor does).
 * https://ai.google.dev/api/generate-content#UsageMetadata
 */

export function usageFromGemini(u: unknown): TokenUsage | undefined {
  const usage = obj(u);
  if (usage === undefined) return undefined;
  const prompt = num(usage.promptTokenCount);
  const tool = num(usage.toolUsePromptTokenCount);
  const candidates = num(usage.candidatesTokenCount);
  const thoughts = num(usage.thoughtsTokenCount);
  return {
    input: prompt === undefined && tool === undefined ? undefined : (prompt ?? 0) + (tool ?? 0),
    output:
      candidates === undefined && thoughts === undefined
        ? undefined
        : (candidates ?? 0) + (thoughts ?? 0),
    cacheRead: num(usage.cachedContentTokenCount),
    reasoning: thoughts,
  };
}

/** One GenerateContentResponse; true when a candidate finished (the stream's last chunk). */
export function readGemini(value: unknown, sink: PayloadSink): boolean {
  const body = obj(value);
  if (body === undefined) return false;
  const err = obj(body.error);
  if (err !== undefined) {
    sink.streamError('stream_error');
    return true;
  }
  const model = str(body.modelVersion);
  if (model !== undefined) sink.setResponseModel(model);
  const id = str(body.responseId);
  if (id !== undefined) sink.setResponseId(id);
  const usage = usageFromGemini(body.usageMetadata);
  if (usage !== undefined) sink.setUsage(usage);
  let finished = false;
  if (Array.isArray(body.candidates)) {
    for (const c of body.candidates) {
      const cand = obj(c);
      const reason = str(cand?.finishReason);
      if (reason !== undefined) {
        sink.addFinishReason(reason.toLowerCase());
        finished = true;
      }
      const parts = obj(cand?.content)?.parts;
      if (!Array.isArray(parts)) continue;
      for (const p of parts) {
        const part = obj(p);
        if (part?.thought !== true && typeof part?.text === 'string')
          sink.appendOutputText(part.text);
      }
    }
  }
  return finished;
}

/** embedContent / batchEmbedContents: usage when the API sends it (Vertex and newer AI Studio). */
export function readGeminiEmbeddings(value: unknown, sink: PayloadSink): void {
  const body = obj(value);
  if (body === undefined) return;
  const usage = usageFromGemini(body.usageMetadata);
  if (usage !== undefined) sink.setUsage({ input: usage.input });
}
