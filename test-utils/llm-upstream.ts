/*
 * Typed access to the local OpenAI/Anthropic-compatible upstream that lives
 * with the llm-gateway example (one implementation for the demo, the tests and
 * the benchmarks). See examples/llm-gateway/fake-upstream.mjs for the headers
 * that select a scenario (no usage, 429/500/400, flaky retries, hang, cut
 * streams, error events) and the usage to answer with.
 */
import * as impl from '../examples/llm-gateway/fake-upstream.mjs';

export interface FakeUsage {
  /** Total input tokens, cached ones included. */
  input?: number;
  /** Output tokens, reasoning included. */
  output?: number;
  cacheRead?: number;
  cacheCreation?: number;
  reasoning?: number;
}

export interface RecordedRequest {
  path: string;
  body: Record<string, unknown>;
  headers: Record<string, string | string[] | undefined>;
  attempt: number;
}

export interface FakeUpstream {
  url: string;
  baseURL: string;
  port: number;
  requests: RecordedRequest[];
  close(): Promise<void>;
}

export type FakeScenario =
  | 'no-usage'
  | 'fail-429'
  | 'fail-500'
  | 'fail-400'
  | 'flaky-429'
  | 'flaky-500'
  | 'hang'
  | 'cut'
  | 'error-event';

export const startFakeUpstream: (options?: {
  port?: number;
  usage?: FakeUsage;
  chunks?: number;
}) => Promise<FakeUpstream> = impl.startFakeUpstream;
export const DEFAULT_USAGE = impl.DEFAULT_USAGE;
export const openaiChatUsage = impl.openaiChatUsage;
export const openaiResponsesUsage = impl.openaiResponsesUsage;
export const anthropicUsage = impl.anthropicUsage;

/** Headers that select a scenario, a usage, a chunk count… for one request. */
export function fakeHeaders(o: {
  scenario?: FakeScenario;
  usage?: FakeUsage;
  chunks?: number;
  delayMs?: number;
  responseModel?: string;
  key?: string;
}): Record<string, string> {
  const h: Record<string, string> = {};
  if (o.scenario) h['x-fake-scenario'] = o.scenario;
  if (o.usage) h['x-fake-usage'] = JSON.stringify(o.usage);
  if (o.chunks !== undefined) h['x-fake-chunks'] = String(o.chunks);
  if (o.delayMs !== undefined) h['x-fake-chunk-delay-ms'] = String(o.delayMs);
  if (o.responseModel) h['x-fake-response-model'] = o.responseModel;
  if (o.key) h['x-fake-key'] = o.key;
  return h;
}
