import { diag } from '@opentelemetry/api';
import type { Instrumentation } from '@opentelemetry/instrumentation';
import { createRequire } from 'node:module';
import type { RegisterOptions } from './types.js';

interface OptionalInstrumentation {
  packageName: string;
  exportName: string;
  option: 'mcp' | 'llm';
}

/** Instrumentations loaded when their package is installed next to @mcpmeter/node. */
const OPTIONAL: readonly OptionalInstrumentation[] = [
  { packageName: '@mcpmeter/instrumentation-mcp', exportName: 'McpInstrumentation', option: 'mcp' },
  { packageName: '@mcpmeter/instrumentation-llm', exportName: 'LlmInstrumentation', option: 'llm' },
];

type InstrumentationClass = new (config?: Record<string, unknown>) => Instrumentation;

/** ESM builds imported by the `--import` entry before register(), by package name. */
const preloaded = new Map<string, Record<string, unknown>>();

/*
 * Under `--import` the instrumentations can be imported (asynchronously) before
 * register() runs: their ESM builds share the ESM copies of @opentelemetry/api,
 * @opentelemetry/instrumentation and @mcpmeter/core that this package already
 * loaded, where require() would load the CJS copies as well (issue 20: ~35 ms,
 * ~2.5 MiB at start-up). A package not found here is looked for again, and any
 * failure said, by the require() path below.
 */
export async function preloadOptionalInstrumentations(): Promise<void> {
  for (const spec of OPTIONAL) {
    try {
      preloaded.set(spec.packageName, (await import(spec.packageName)) as Record<string, unknown>);
    } catch {
      // not installed next to us, or failing: loadOptionalInstrumentations() decides
    }
  }
}

/*
 * Loaded synchronously: under `--require` (and before the app's first import under
 * `--import`) the instrumentations must patch before the app loads the libraries.
 * Resolution starts at this package and then at the app's working directory, so
 * both an app dependency and a peer next to @mcpmeter/node are found.
 */
export function loadOptionalInstrumentations(options: RegisterOptions): Instrumentation[] {
  const out: Instrumentation[] = [];
  const requireFromHere = createRequire(import.meta.url);
  const requireFromApp = createRequire(`${process.cwd()}/package.json`);
  for (const spec of OPTIONAL) {
    const config = options[spec.option];
    if (config === false) continue;
    let mod: Record<string, unknown> | undefined = preloaded.get(spec.packageName);
    for (const req of mod ? [] : [requireFromHere, requireFromApp]) {
      try {
        mod = req(spec.packageName) as Record<string, unknown>;
        break;
      } catch (err) {
        if ((err as NodeJS.ErrnoException).code !== 'MODULE_NOT_FOUND') {
          diag.error(
            `mcpmeter: ${spec.packageName} is installed but failed to load: ${(err as Error).message}`,
          );
          break;
        }
      }
    }
    if (mod === undefined) {
      diag.debug(`mcpmeter: ${spec.packageName} is not installed; skipping it.`);
      continue;
    }
    const Ctor = mod[spec.exportName] as InstrumentationClass | undefined;
    if (typeof Ctor !== 'function') {
      diag.error(
        `mcpmeter: ${spec.packageName} has no export ${spec.exportName}; update it to a version that matches @mcpmeter/node.`,
      );
      continue;
    }
    try {
      out.push(new Ctor(config ?? {}));
    } catch (err) {
      diag.error(`mcpmeter: ${spec.exportName} could not start: ${(err as Error).message}`);
    }
  }
  return out;
}
