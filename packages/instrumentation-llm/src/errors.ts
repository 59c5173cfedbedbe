import { errorClassName } from '@mcpmeter/core';

/*
 * `error.type` values. One scheme for both SDKs and the fetch wrapper, so a
 * dashboard can split errors the same way whatever made the call:
 *   HTTP error response  -> its status code ("429", "500", "400", …)
 *   client-side timeout  -> "timeout"
 *   network failure      -> "connection_error"
 *   error event in an SSE stream -> "stream_error"
 *   SSE stream cut short (no terminal event) -> "stream_incomplete"
 *   anything else        -> the exception's class name
 * A cancellation by the caller is not an error: `undefined`.
 */

export const ERROR_TIMEOUT = 'timeout';
export const ERROR_CONNECTION = 'connection_error';
export const ERROR_STREAM_INCOMPLETE = 'stream_incomplete';

function classNames(err: object): string[] {
  const names: string[] = [];
  let proto: unknown = Object.getPrototypeOf(err);
  for (let i = 0; i < 6 && proto !== null && proto !== undefined; i++) {
    const name = (proto as { constructor?: { name?: unknown } }).constructor?.name;
    if (typeof name === 'string') names.push(name);
    proto = Object.getPrototypeOf(proto);
  }
  return names;
}

/** True for an abort the caller asked for (AbortController, SDK user abort). */
export function isCancellation(err: unknown): boolean {
  if (err === null || typeof err !== 'object') return false;
  try {
    const names = classNames(err);
    if (names.includes('APIUserAbortError')) return true;
    return (err as { name?: unknown }).name === 'AbortError';
  } catch {
    return false;
  }
}

/** The `error.type` of a failed operation, or undefined for a cancellation. */
export function llmErrorType(err: unknown): string | undefined {
  if (isCancellation(err)) return undefined;
  if (err === null || typeof err !== 'object') return errorClassName(err);
  try {
    const names = classNames(err);
    if (names.includes('APIConnectionTimeoutError')) return ERROR_TIMEOUT;
    if ((err as { name?: unknown }).name === 'TimeoutError') return ERROR_TIMEOUT;
    if (names.includes('APIConnectionError')) return ERROR_CONNECTION;
    const status = (err as { status?: unknown }).status;
    if (typeof status === 'number' && Number.isInteger(status) && status >= 100 && status < 600) {
      return String(status);
    }
    // undici: `TypeError: fetch failed` (refused, reset, DNS) and `terminated` (body cut).
    if (err instanceof TypeError) return ERROR_CONNECTION;
    // What the wire capture sees below fetch: undici's own errors and Node's system errors.
    const code = (err as { code?: unknown }).code;
    if (typeof code === 'string') {
      if (/^UND_ERR_.*TIMEOUT$|^ETIMEDOUT$/.test(code)) return ERROR_TIMEOUT;
      if (/^(UND_ERR_|E[A-Z]+$|ERR_HTTP2_)/.test(code)) return ERROR_CONNECTION;
    }
  } catch {
    // hostile getters: fall back to the class name
  }
  return errorClassName(err);
}
