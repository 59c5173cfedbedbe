import { errorClassName, semconv } from '@mcpmeter/core';

/*
 * `error.type` values beyond the semantic conventions' own (`tool_error`, a
 * JSON-RPC code, an exception class name). See docs/mcp-server.md.
 */

/** The client sent `notifications/cancelled` (client-side timeouts arrive this way too). */
export const ERROR_TYPE_CANCELLED = 'cancelled';
/** The transport closed while the request was in flight. */
export const ERROR_TYPE_CONNECTION_CLOSED = 'connection_closed';

/** JSON-RPC `-32602` (invalid params): the SDK refused the call before the tool ran. */
export const INVALID_PARAMS = '-32602';

/*
 * Codes that describe a client's fault (parse error, invalid request, method
 * not found, invalid params). They stay visible on metrics by `error.type` but
 * do not mark the server span as failed, as HTTP server spans treat 4xx.
 */
const CLIENT_FAULTS: ReadonlySet<string> = new Set([
  '-32700',
  '-32600',
  '-32601',
  '-32602',
  ERROR_TYPE_CANCELLED,
  ERROR_TYPE_CONNECTION_CLOSED,
]);

/** Whether an `error.type` marks the server span status as ERROR. */
export function isServerFault(errorType: string): boolean {
  return !CLIENT_FAULTS.has(errorType);
}

/** The `error.type` of a JSON-RPC error object: its integer code, else `_OTHER`. */
export function jsonRpcErrorType(error: unknown): string {
  const code =
    error !== null && typeof error === 'object' ? (error as { code?: unknown }).code : undefined;
  return typeof code === 'number' && Number.isSafeInteger(code)
    ? String(code)
    : semconv.ERROR_TYPE_VALUE_OTHER;
}

/** A JSON-RPC error's message, for the span status description (never a label). */
export function jsonRpcErrorMessage(error: unknown): string | undefined {
  const message =
    error !== null && typeof error === 'object'
      ? (error as { message?: unknown }).message
      : undefined;
  return typeof message === 'string' ? message.slice(0, 512) : undefined;
}

/** A client-side timeout: the SDK gave up waiting (1.x `McpError` -32001, 2.x `SdkError` REQUEST_TIMEOUT). */
export const ERROR_TYPE_TIMEOUT = 'timeout';

/**
 * The `error.type` of a request the client sent that rejected with `err`.
 * `aborted`: the caller's own AbortSignal fired (a cancellation, not a failure).
 * Timeouts and a closed connection get one name across both SDK generations;
 * any other JSON-RPC error is its integer code; anything else its class name.
 */
export function clientErrorType(err: unknown, aborted: boolean): string {
  if (aborted) return ERROR_TYPE_CANCELLED;
  const code =
    err !== null && typeof err === 'object' ? (err as { code?: unknown }).code : undefined;
  if (code === -32001 || code === 'REQUEST_TIMEOUT') return ERROR_TYPE_TIMEOUT;
  if (code === 'CONNECTION_CLOSED') return ERROR_TYPE_CONNECTION_CLOSED;
  if (typeof code === 'number' && Number.isSafeInteger(code)) return String(code);
  return errorClassName(err);
}

/** Whether an `error.type` marks a client span as failed (a caller's cancellation does not). */
export function isClientFailure(errorType: string): boolean {
  return errorType !== ERROR_TYPE_CANCELLED;
}
