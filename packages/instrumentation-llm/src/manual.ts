import { diag } from '@opentelemetry/api';
import { wrapCreate } from './sdk.js';
import { LlmTelemetry } from './telemetry.js';
import { ANTHROPIC_TARGETS, OPENAI_TARGETS, walk, type Target } from './targets.js';
import type { LlmTelemetryOptions } from './types.js';

const INSTRUMENTED = Symbol.for('mcpmeter.instrumentation-llm.instrumented');
type Fn = ((this: unknown, ...args: unknown[]) => unknown) & { [INSTRUMENTED]?: true };

function instrumentClient<T>(
  client: T,
  targets: readonly Target[],
  options: LlmTelemetryOptions,
  what: string,
): T {
  try {
    const telemetry = new LlmTelemetry(options);
    let found = 0;
    for (const target of targets) {
      const resource = walk(client, target.instancePath) as { create?: Fn } | undefined;
      const original = resource?.create;
      if (resource === undefined || typeof original !== 'function') continue;
      found++;
      if (original[INSTRUMENTED] === true) continue;
      const wrapped = wrapCreate(telemetry, original, target.call) as Fn;
      wrapped[INSTRUMENTED] = true;
      resource.create = wrapped;
    }
    if (found === 0)
      diag.warn(
        `mcpmeter: ${what}() found no resource to instrument on the object given; pass a client instance`,
      );
  } catch (err) {
    diag.error(`mcpmeter: ${what}() failed; the client is left as it was: ${String(err)}`);
  }
  return client;
}

/**
 * Instruments one `openai` client instance (chat completions, responses,
 * embeddings; streaming or not) and returns it. Use this instead of the
 * zero-code {@link LlmInstrumentation} when you construct the client yourself.
 *
 * @example
 * const client = instrumentOpenAI(new OpenAI(), { captureContent: false });
 */
export function instrumentOpenAI<T>(client: T, options: LlmTelemetryOptions = {}): T {
  return instrumentClient(client, OPENAI_TARGETS, options, 'instrumentOpenAI');
}

/**
 * Instruments one `@anthropic-ai/sdk` client instance (messages, streaming
 * included) and returns it. When the client traces its own calls (the SDK's
 * default), its span is enriched instead of a second one being started.
 */
export function instrumentAnthropic<T>(client: T, options: LlmTelemetryOptions = {}): T {
  return instrumentClient(client, ANTHROPIC_TARGETS, options, 'instrumentAnthropic');
}
