import { context, diag } from '@opentelemetry/api';
import { describeError } from '@mcpmeter/core';
import type { TelemetrySource } from '../source.js';
import { ClientState, type OutgoingRecord, type SenderRole } from './outbound.js';
import { inputRequired, recordOfLeg, sendLeg } from './rounds.js';

/*
 * Hook point: the protocol layer's `request` (both SDK generations) and, in
 * 2.x, `_requestWithSchema` (used for `server/discover` and by `Server.createMessage`;
 * both funnel into an internal method that is not wrapped, so no request is
 * counted twice). Every typed helper (`callTool`, `listTools`, `createMessage`,
 * `elicitInput`, `listRoots`, a handler's `sendRequest`) goes through one of
 * them, and the promise they return settles with the result, the JSON-RPC
 * error, the timeout or the cancellation. A closing transport passes
 * `_onclose`, which ends whatever is still in flight.
 */

const STATE = Symbol.for('mcpmeter.instrumentation-mcp.client-state');

type Fn = (this: unknown, ...args: unknown[]) => unknown;

interface SenderLike {
  request: Fn;
  _onclose?: Fn;
  _requestWithSchema?: Fn;
  _requestWithSchemaViaCodec?: Fn;
  _resolveNonCompleteResult?: Fn;
  [STATE]?: ClientState;
}

function isSender(value: unknown): value is SenderLike {
  return (
    value !== null &&
    typeof value === 'object' &&
    typeof (value as Partial<SenderLike>).request === 'function' &&
    typeof (value as Partial<SenderLike>)._onclose === 'function'
  );
}

/** The sender state of an instrumented protocol instance, if any. */
export function clientStateOf(protocol: unknown): ClientState | undefined {
  return isSender(protocol) ? protocol[STATE] : undefined;
}

/**
 * Instruments the requests a protocol instance sends (idempotent): a `Client`
 * (role `client`) or a `Server` sending sampling, elicitation and roots
 * requests (role `server`).
 */
export function instrumentSender(
  protocol: unknown,
  source: TelemetrySource,
  role: SenderRole,
): ClientState | undefined {
  if (!isSender(protocol)) return undefined;
  const existing = protocol[STATE];
  if (existing !== undefined) return existing;
  const state = new ClientState(source, role);
  Object.defineProperty(protocol, STATE, { value: state, enumerable: false, configurable: true });
  wrapRequest(protocol, 'request', state);
  if (typeof protocol._requestWithSchema === 'function') {
    wrapRequest(protocol, '_requestWithSchema', state);
  }
  hookRounds(protocol, state);
  const onclose = protocol._onclose as Fn;
  protocol._onclose = function instrumentedClientOnClose(this: unknown, ...args: unknown[]) {
    try {
      state.onClose();
    } catch (err) {
      diag.error(`mcpmeter: MCP client close telemetry failed: ${describeError(err)}`);
    }
    return onclose.apply(this, args);
  };
  return state;
}

/** Request options are the last argument: `request(req, schema?, options?)` in both generations. */
function signalOf(args: unknown[]): AbortSignal | undefined {
  for (let i = args.length - 1; i >= 1; i--) {
    const a = args[i] as { signal?: unknown } | null | undefined;
    if (a !== null && typeof a === 'object') {
      const s = a.signal;
      if (typeof AbortSignal !== 'undefined' && s instanceof AbortSignal) return s;
    }
  }
  return undefined;
}

function settle(state: ClientState, record: OutgoingRecord, ok: boolean, value: unknown): void {
  try {
    if (ok) state.succeed(record, value);
    else state.fail(record, value);
  } catch (err) {
    diag.error(`mcpmeter: MCP client telemetry failed: ${describeError(err)}`);
  }
}

function wrapRequest(
  target: SenderLike,
  name: 'request' | '_requestWithSchema',
  state: ClientState,
) {
  const original = target[name] as Fn;
  target[name] = function instrumentedRequest(this: unknown, ...args: unknown[]) {
    if (!state.source.enabled) return original.apply(this, args);
    let record: OutgoingRecord;
    try {
      record = state.begin(this as object, args[0] as object, signalOf(args));
    } catch (err) {
      diag.error(`mcpmeter: could not start MCP client telemetry: ${describeError(err)}`);
      return original.apply(this, args);
    }
    if (record.send !== args[0]) args[0] = record.send;
    let result: unknown;
    try {
      result =
        record.ctx === undefined
          ? original.apply(this, args)
          : context.with(record.ctx, original, this, ...args);
    } catch (err) {
      settle(state, record, false, err);
      throw err;
    }
    if (result !== null && typeof (result as Promise<unknown>)?.then === 'function') {
      // Observe without changing what the caller gets: the original promise.
      (result as Promise<unknown>).then(
        (value) => settle(state, record, true, value),
        (err: unknown) => settle(state, record, false, err),
      );
    } else {
      settle(state, record, true, result);
    }
    return result;
  };
}

/*
 * SDK 2.4 (protocol 2026-07-28): every wire leg of a request, the first and
 * each retry of a multi round-trip request, goes through
 * `_requestWithSchemaViaCodec(codec, request, schema, options)`; the first
 * `input_required` answer goes to `_resolveNonCompleteResult(decoded, flow)`,
 * later ones resolve the retry leg itself (retries allow input_required).
 * These only count rounds: the call's record was started by `request`.
 */
function hookRounds(target: SenderLike, state: ClientState): void {
  const leg = target._requestWithSchemaViaCodec;
  if (typeof leg === 'function') {
    target._requestWithSchemaViaCodec = function instrumentedLeg(
      this: unknown,
      ...args: unknown[]
    ) {
      return sendLeg(state, args[1], () => leg.apply(this, args));
    };
  }
  const resolve = target._resolveNonCompleteResult;
  if (typeof resolve === 'function') {
    target._resolveNonCompleteResult = function instrumentedResolve(
      this: unknown,
      ...args: unknown[]
    ) {
      try {
        const decoded = args[0] as { kind?: unknown } | null | undefined;
        const flow = args[1] as { request?: unknown } | null | undefined;
        const record = recordOfLeg(state, flow?.request);
        if (record !== undefined && decoded?.kind === 'input_required') {
          inputRequired(record, decoded);
        }
      } catch (err) {
        diag.error(`mcpmeter: MCP round telemetry failed: ${describeError(err)}`);
      }
      return resolve.apply(this, args);
    };
  }
}
