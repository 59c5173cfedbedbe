import { context, diag } from '@opentelemetry/api';
import { describeError, warnOnce } from '@mcpmeter/core';
import { ERROR_TYPE_CANCELLED, ERROR_TYPE_CONNECTION_CLOSED } from '../errors.js';
import { ServerState, type RequestRecord } from './inbound.js';
import { instrumentSender } from './sender.js';
import { notePeerAddresses } from './client-address.js';
import { takeEarly, watchOnMessage } from './framework.js';
import type { SenderRole } from './outbound.js';
import type { TelemetrySource } from '../source.js';
import { sharedNamesOf } from '../tool-names.js';

/*
 * Hook point: the protocol layer of the SDK (`Protocol`, base of `Server`), on
 * the instance. Every inbound request, including unknown methods and unknown
 * tools, passes `_onrequest`; every reply leaves through the transport's `send`
 * (the request's record ends there, with the JSON-RPC error code or the result);
 * a client's `notifications/cancelled` passes `_oncancel`, and a closing
 * transport passes `_onclose` — the only two ways the SDK abandons a request
 * without a reply. Both SDK generations share these names. Handler maps and
 * McpServer callbacks would miss the requests the SDK refuses before dispatch.
 */

const STATE = Symbol.for('mcpmeter.instrumentation-mcp.server-state');
const SENDER = Symbol.for('mcpmeter.instrumentation-mcp.transport-state');

type Fn = (this: unknown, ...args: unknown[]) => unknown;

type ProtocolMethod = (this: ProtocolLike, ...args: unknown[]) => unknown;

interface ProtocolLike {
  _onrequest: ProtocolMethod;
  _onclose: ProtocolMethod;
  _oncancel?: ProtocolMethod;
  connect?: ProtocolMethod;
  _transport?: unknown;
  _requestHandlerAbortControllers?: Map<unknown, unknown>;
  [STATE]?: ServerState;
}

interface JsonRpcRequestLike {
  id: unknown;
  method: unknown;
  params?: unknown;
}

interface TransportLike {
  send: Fn;
  [SENDER]?: ServerState;
}

function isProtocol(value: unknown): value is ProtocolLike {
  return (
    value !== null &&
    typeof value === 'object' &&
    typeof (value as Partial<ProtocolLike>)._onrequest === 'function' &&
    typeof (value as Partial<ProtocolLike>)._onclose === 'function'
  );
}

/** The state of an instrumented protocol instance, if any. */
export function serverStateOf(server: unknown): ServerState | undefined {
  return isProtocol(server) ? server[STATE] : undefined;
}

/**
 * Instruments the requests a protocol instance receives (idempotent), and
 * those it sends as `role`. Returns undefined when `server` does not look like
 * an MCP SDK protocol object. A `Client` goes through here too: the requests a
 * server sends it (sampling, elicitation, roots) get SERVER spans.
 */
export function instrumentProtocol(
  server: unknown,
  source: TelemetrySource,
  role: SenderRole = 'server',
): ServerState | undefined {
  if (!isProtocol(server)) return undefined;
  const existing = server[STATE];
  if (existing !== undefined) return existing;
  // A client's protocol instance answers only the few requests a server sends it.
  const state = new ServerState(
    source,
    role === 'server' ? sharedNamesOf(server, source.toolNames) : undefined,
  );
  Object.defineProperty(server, STATE, { value: state, enumerable: false, configurable: true });
  // Requests this instance sends (a server's sampling, elicitation and roots
  // requests; everything a client sends) get CLIENT spans: the role swap.
  instrumentSender(server, source, role);

  const onrequest = server._onrequest;
  server._onrequest = function instrumentedOnRequest(
    this: ProtocolLike,
    request: unknown,
    extra: unknown,
  ) {
    if (!state.source.enabled) return onrequest.call(this, request, extra);
    let record: RequestRecord;
    try {
      if (this._transport !== state.hookedTransport) hookTransport(this._transport, state);
      record =
        (state.pending.size > 0 ? takeEarly(state, request as JsonRpcRequestLike) : undefined) ??
        state.begin(this, request as JsonRpcRequestLike, extra);
    } catch (err) {
      diag.error(`mcpmeter: could not start MCP server telemetry: ${describeError(err)}`);
      return onrequest.call(this, request, extra);
    }
    try {
      return record.ctx === undefined
        ? onrequest.call(this, request, extra)
        : context.with(record.ctx, onrequest, this, request, extra);
    } finally {
      // A throw from here would replace the SDK's own result: never let it out.
      if (!record.ended) {
        try {
          settleUnanswered(this, state, record);
        } catch (err) {
          diag.error(`mcpmeter: MCP server telemetry failed: ${describeError(err)}`);
        }
      }
    }
  };

  // The peer of each HTTP request, for `client.address`: hook the transport
  // before its first request (connect) or now, when already connected. A
  // client's transport serves no HTTP requests.
  if (role === 'server') notePeerAddresses(server._transport);
  const connect = server.connect;
  if (role === 'server' && typeof connect === 'function') {
    server.connect = function connectNotingPeers(this: ProtocolLike, ...args: unknown[]) {
      return connectWatched(this, args[0], () => connect.apply(this, args));
    };
  }

  const onclose = server._onclose;
  server._onclose = function instrumentedOnClose(this: ProtocolLike, ...args: unknown[]) {
    try {
      state.onClose(ERROR_TYPE_CONNECTION_CLOSED);
    } catch (err) {
      diag.error(`mcpmeter: MCP server close telemetry failed: ${describeError(err)}`);
    }
    return onclose.apply(this, args);
  };

  const oncancel = server._oncancel;
  if (typeof oncancel === 'function') {
    server._oncancel = function instrumentedOnCancel(
      this: ProtocolLike,
      notification: unknown,
      ...rest: unknown[]
    ) {
      try {
        const requestId = (notification as { params?: { requestId?: unknown } } | undefined)?.params
          ?.requestId;
        if (requestId !== undefined) state.onCancel(requestId, ERROR_TYPE_CANCELLED);
      } catch (err) {
        diag.error(`mcpmeter: MCP cancel telemetry failed: ${describeError(err)}`);
      }
      return oncancel.call(this, notification, ...rest);
    };
  } else {
    warnOnce(
      'mcp-no-oncancel',
      'mcpmeter: this MCP SDK has no Protocol._oncancel; cancelled requests end when the transport closes.',
    );
  }
  return state;
}

/**
 * Runs `connect` of an instrumented server on `transport`: notes the peers of
 * its HTTP requests, and watches for a framework wrapping the transport's
 * message handler once the SDK has set its own (in the synchronous part of
 * `connect`, both generations).
 */
export function connectWatched(
  server: unknown,
  transport: unknown,
  connect: () => unknown,
): unknown {
  let arm: (() => void) | undefined;
  try {
    notePeerAddresses(transport);
    const state = serverStateOf(server);
    if (state !== undefined) arm = watchOnMessage(transport, server as object, state);
  } catch (err) {
    diag.error(`mcpmeter: could not hook an MCP transport: ${describeError(err)}`);
  }
  const result = connect();
  arm?.();
  return result;
}

/*
 * A request the SDK neither answered synchronously nor registered for async
 * handling was dropped (e.g. SDK 2.x refusing a request of another protocol
 * era without a reply): end it now so the active count does not leak.
 */
function settleUnanswered(server: ProtocolLike, state: ServerState, record: RequestRecord): void {
  const controllers = server._requestHandlerAbortControllers;
  if (controllers instanceof Map && !controllers.has(record.id)) {
    state.end(record, '_OTHER', undefined);
  }
}

/** Ends `state`'s records by the replies sent through `transport` (idempotent per state). */
export function hookTransport(transport: unknown, state: ServerState): void {
  if (transport === null || typeof transport !== 'object') return;
  const t = transport as TransportLike;
  state.hookedTransport = transport;
  if (t[SENDER] === state || typeof t.send !== 'function') return;
  const send = t.send;
  Object.defineProperty(t, SENDER, { value: state, enumerable: false, configurable: true });
  // `send(message, options?)` in both SDK generations; named parameters, not a rest array, per message.
  t.send = function instrumentedSend(this: unknown, message: unknown, options?: unknown) {
    if (state.pending.size > 0) {
      try {
        state.onSend(t, message);
      } catch (err) {
        diag.error(`mcpmeter: MCP response telemetry failed: ${describeError(err)}`);
      }
    }
    return send.call(this, message, options);
  };
}
