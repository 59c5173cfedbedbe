import type { SdkCall } from './sdk.js';
import { PROVIDER_ANTHROPIC, PROVIDER_OPENAI } from './semconv.js';

/*
 * Which resource methods are LLM operations, for each SDK, by where the
 * resource sits: on the client class (static, for patching prototypes) and on
 * a client instance (for manual instrumentation). Chat completions, responses
 * and embeddings of `openai` (the `stream()`, `parse()` and runner helpers all
 * go through these `create` methods), and messages of `@anthropic-ai/sdk`
 * (`messages.stream()` goes through `messages.create`).
 */

export interface Target {
  /** Path of the resource class from the client class: `Chat.Completions`. */
  classPath: string[];
  /** Path of the resource object on a client instance: `chat.completions`. */
  instancePath: string[];
  call: SdkCall;
}

export const OPENAI_TARGETS: readonly Target[] = [
  {
    classPath: ['Chat', 'Completions'],
    instancePath: ['chat', 'completions'],
    call: { format: 'openai.chat', operation: 'chat', provider: PROVIDER_OPENAI },
  },
  {
    classPath: ['Responses'],
    instancePath: ['responses'],
    call: { format: 'openai.responses', operation: 'chat', provider: PROVIDER_OPENAI },
  },
  {
    classPath: ['Embeddings'],
    instancePath: ['embeddings'],
    call: { format: 'openai.embeddings', operation: 'embeddings', provider: PROVIDER_OPENAI },
  },
];

export const ANTHROPIC_TARGETS: readonly Target[] = [
  {
    classPath: ['Messages'],
    instancePath: ['messages'],
    call: {
      format: 'anthropic.messages',
      operation: 'chat',
      provider: PROVIDER_ANTHROPIC,
      deferToClientSpan: true,
    },
  },
];

export function walk(root: unknown, path: readonly string[]): unknown {
  let v: unknown = root;
  for (const key of path) {
    if (v === null || (typeof v !== 'object' && typeof v !== 'function')) return undefined;
    v = (v as Record<string, unknown>)[key];
  }
  return v;
}

/** The prototype of a target's resource class, from the client class. */
export function targetPrototype(
  clientClass: unknown,
  target: Target,
): Record<string, unknown> | undefined {
  const cls = walk(clientClass, target.classPath);
  if (typeof cls !== 'function') return undefined;
  const proto = (cls as { prototype?: unknown }).prototype;
  return proto !== null &&
    typeof proto === 'object' &&
    typeof (proto as { create?: unknown }).create === 'function'
    ? (proto as Record<string, unknown>)
    : undefined;
}
