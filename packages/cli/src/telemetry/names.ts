/*
 * `error.type` values and labels that in-process instrumentation uses too.
 * They are copied here instead of imported so that `mcpmeter wrap` does not load
 * @mcpmeter/instrumentation-mcp (and @opentelemetry/instrumentation) at start-up;
 * test/names.test.ts checks that both packages agree.
 */

/** The client sent `notifications/cancelled`. */
export const ERROR_TYPE_CANCELLED = 'cancelled';
/** The connection (the child process, the HTTP exchange) closed before the reply. */
export const ERROR_TYPE_CONNECTION_CLOSED = 'connection_closed';

/** Protocol versions the specification published; a server's own answer to `initialize` is added. */
export const KNOWN_PROTOCOL_VERSIONS: readonly string[] = [
  '2024-11-05',
  '2025-03-26',
  '2025-06-18',
  '2025-11-25',
  '2026-07-28',
];

/*
 * JSON-RPC codes that are the client's fault (parse error, invalid request,
 * method not found, invalid params), cancellation and a closed connection: they
 * stay visible on metrics but do not mark the server span as failed.
 */
const CLIENT_FAULTS: ReadonlySet<string> = new Set([
  '-32700',
  '-32600',
  '-32601',
  '-32602',
  ERROR_TYPE_CANCELLED,
  ERROR_TYPE_CONNECTION_CLOSED,
]);

export function isServerFault(errorType: string): boolean {
  return !CLIENT_FAULTS.has(errorType);
}

/** Malformed messages seen on the wire (not in semconv). */
export const METRIC_MALFORMED_MESSAGES = 'mcp.wire.malformed_messages';
/** `receive`: from the client to the server; `transmit`: from the server to the client. */
export const ATTR_NETWORK_IO_DIRECTION = 'network.io.direction';
