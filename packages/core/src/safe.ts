import { diag } from '@opentelemetry/api';

/*
 * "Never throw into the host": every piece of telemetry code that runs inside a
 * user's call goes through these helpers. Failures are reported through OTel
 * `diag` (which mcpmeter's node package points at stderr), never rethrown.
 */

const WARNED = Symbol.for('mcpmeter.core.warned-once');
type GlobalWithWarned = typeof globalThis & { [WARNED]?: Set<string> };

/** Runs `fn`; on a throw, logs through `diag` and returns `undefined`. */
export function safeExecute<T>(fn: () => T, what = 'telemetry'): T | undefined {
  try {
    return fn();
  } catch (err) {
    diag.error(`mcpmeter: ${what} failed: ${describeError(err)}`);
    return undefined;
  }
}

/** Calls a user-supplied hook; its exceptions are logged, never rethrown. */
export function callHook<A extends unknown[], R>(
  hook: ((...args: A) => R) | undefined,
  name: string,
  ...args: A
): R | undefined {
  if (hook === undefined) return undefined;
  try {
    return hook(...args);
  } catch (err) {
    diag.error(`mcpmeter: the ${name} hook threw; its result is ignored: ${describeError(err)}`);
    return undefined;
  }
}

/**
 * Logs `message` at warn level the first time `key` is seen in this process.
 * The set lives under `Symbol.for` so the ESM and CJS builds share it.
 */
export function warnOnce(key: string, message: string): void {
  const g = globalThis as GlobalWithWarned;
  const seen = (g[WARNED] ??= new Set());
  if (seen.has(key)) return;
  seen.add(key);
  diag.warn(message);
}

/**
 * A low-cardinality `error.type` for a thrown value: its class name (never its
 * message, which may hold user data and splits series), or `_OTHER`.
 */
export function errorClassName(err: unknown): string {
  try {
    if (err !== null && typeof err === 'object') {
      const name = (err as { constructor?: { name?: unknown } }).constructor?.name;
      if (typeof name === 'string' && name.length > 0 && name !== 'Object') return clip(name);
      const own = (err as { name?: unknown }).name;
      if (typeof own === 'string' && own.length > 0) return clip(own);
    }
  } catch {
    // a hostile getter: fall through to the fallback
  }
  return '_OTHER';
}

/** A short, safe description of a thrown value for diagnostics (never for labels). */
export function describeError(err: unknown): string {
  try {
    if (err instanceof Error) return `${err.name}: ${err.message}`;
    return String(err);
  } catch {
    return 'unprintable error';
  }
}

function clip(s: string): string {
  return s.length > 128 ? s.slice(0, 128) : s;
}
