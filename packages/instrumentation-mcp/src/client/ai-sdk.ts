import { context, diag } from '@opentelemetry/api';
import { describeError } from '@mcpmeter/core';
import { hookTransport } from '../protocol/hook.js';
import { ServerState } from '../protocol/inbound.js';
import { ClientState, type OutgoingRecord, type SenderView } from '../protocol/outbound.js';
import { sendLeg } from '../protocol/rounds.js';
import { ERROR_TYPE_CONNECTION_CLOSED } from '../errors.js';
import type { TelemetrySource } from '../source.js';

/*
 * The MCP client of the Vercel AI SDK (`createMCPClient` of `@ai-sdk/mcp`, and
 * `experimental_createMCPClient`): a JSON-RPC client of its own, not the
 * official SDK's `Protocol`. Hook points, on the instance:
 * - `request({ request, resultSchema, options })`: one logical request (the
 *   typed helpers `callTool`, `listTools`, `readResource`, `getPrompt` … and,
 *   on protocol 2026-07-28, the whole multi round-trip loop);
 * - `requestOnce({ request, … })`: one wire leg (counted as a round);
 * - `onRequestMessage(request)`: a request the server sends it (2025 era:
 *   `elicitation/create`, `ping`), answered through `transport.send` — a
 *   SERVER span, as for the SDK's `Client` (role swap);
 * - `onClose()`: the client or its transport closed.
 * Its transport is in `transport` and the negotiated version in
 * `protocolVersion`.
 */

const STATE = Symbol.for('mcpmeter.instrumentation-mcp.ai-sdk-client-state');

type Fn = (this: unknown, ...args: unknown[]) => unknown;

interface AiSdkClientLike {
  request: Fn;
  requestOnce?: Fn;
  onRequestMessage?: Fn;
  onClose: Fn;
  transport?: unknown;
  protocolVersion?: unknown;
  responseHandlers: Map<unknown, unknown>;
  [STATE]?: ClientState;
}

interface RequestArgs {
  request?: { method?: unknown; params?: unknown };
  options?: { signal?: unknown };
}

const VIEW: SenderView = {
  transportOf: (client) => (client as AiSdkClientLike).transport,
  versionOf: (client) => (client as AiSdkClientLike).protocolVersion,
};

/** A client made by `createMCPClient` of `@ai-sdk/mcp` (or the AI SDK's `experimental_createMCPClient`). */
export function isAiSdkMcpClient(value: unknown): value is AiSdkClientLike {
  if (value === null || typeof value !== 'object') return false;
  const v = value as Partial<AiSdkClientLike>;
  return (
    typeof v.request === 'function' &&
    typeof v.onClose === 'function' &&
    v.responseHandlers instanceof Map &&
    typeof (v as { _onrequest?: unknown })._onrequest !== 'function'
  );
}

/**
 * Instruments a `@ai-sdk/mcp` client (idempotent). `createMCPClient` resolves
 * after the handshake, so the session is measured from `connectStart` (a
 * `performance.now()` time) when given, else from now; the handshake request
 * itself is not seen.
 */
export function instrumentAiSdkClient(
  client: unknown,
  source: TelemetrySource,
  connectStart?: number,
): ClientState | undefined {
  if (!isAiSdkMcpClient(client)) return undefined;
  const existing = client[STATE];
  if (existing !== undefined) return existing;
  const state = new ClientState(source, 'client', VIEW);
  Object.defineProperty(client, STATE, { value: state, enumerable: false, configurable: true });

  const request = client.request;
  client.request = function instrumentedRequest(this: unknown, ...args: unknown[]) {
    const a = args[0] as RequestArgs | null | undefined;
    if (!state.source.enabled || a?.request === null || typeof a?.request !== 'object') {
      return request.apply(this, args);
    }
    let record: OutgoingRecord;
    try {
      const signal = a.options?.signal;
      record = state.begin(
        this as object,
        a.request,
        typeof AbortSignal !== 'undefined' && signal instanceof AbortSignal ? signal : undefined,
      );
    } catch (err) {
      diag.error(`mcpmeter: could not start MCP client telemetry: ${describeError(err)}`);
      return request.apply(this, args);
    }
    if (record.send !== a.request) args[0] = { ...a, request: record.send };
    let result: unknown;
    try {
      result =
        record.ctx === undefined
          ? request.apply(this, args)
          : context.with(record.ctx, () => request.apply(this, args));
    } catch (err) {
      settle(state, record, false, err);
      throw err;
    }
    if (typeof (result as Promise<unknown>)?.then === 'function') {
      (result as Promise<unknown>).then(
        (value) => settle(state, record, true, value),
        (err: unknown) => settle(state, record, false, err),
      );
    } else {
      settle(state, record, true, result);
    }
    return result;
  };

  const requestOnce = client.requestOnce;
  if (typeof requestOnce === 'function') {
    client.requestOnce = function instrumentedRequestOnce(this: unknown, ...args: unknown[]) {
      const request = (args[0] as RequestArgs | undefined)?.request;
      return sendLeg(state, request, () => requestOnce.apply(this, args));
    };
  }

  const inbound = hookInbound(client, source);
  const onClose = client.onClose;
  client.onClose = function instrumentedOnClose(this: unknown, ...args: unknown[]) {
    try {
      state.onClose();
      inbound?.onClose(ERROR_TYPE_CONNECTION_CLOSED);
    } catch (err) {
      diag.error(`mcpmeter: MCP client close telemetry failed: ${describeError(err)}`);
    }
    return onClose.apply(this, args);
  };

  if (source.enabled) {
    state.connectStarted(connectStart);
    state.connected(client);
  }
  return state;
}

/** SERVER spans for the requests the server sends the client (2025 era). */
function hookInbound(client: AiSdkClientLike, source: TelemetrySource): ServerState | undefined {
  const onRequestMessage = client.onRequestMessage;
  if (typeof onRequestMessage !== 'function') return undefined;
  const inbound = new ServerState(source);
  client.onRequestMessage = function instrumentedOnRequestMessage(this: unknown, request: unknown) {
    const transport = (this as AiSdkClientLike).transport;
    const r = request as { id?: unknown; method?: unknown } | null | undefined;
    if (!inbound.source.enabled || r?.id === undefined || typeof r.method !== 'string') {
      return onRequestMessage.call(this, request);
    }
    let ctx;
    try {
      hookTransport(transport, inbound);
      ctx = inbound.begin(
        { _transport: transport },
        r as { id: unknown; method: string },
        undefined,
      ).ctx;
    } catch (err) {
      diag.error(`mcpmeter: could not start MCP client telemetry: ${describeError(err)}`);
      return onRequestMessage.call(this, request);
    }
    return ctx === undefined
      ? onRequestMessage.call(this, request)
      : context.with(ctx, onRequestMessage, this, request);
  };
  return inbound;
}

function settle(state: ClientState, record: OutgoingRecord, ok: boolean, value: unknown): void {
  try {
    if (ok) state.succeed(record, value);
    else state.fail(record, value);
  } catch (err) {
    diag.error(`mcpmeter: MCP client telemetry failed: ${describeError(err)}`);
  }
}
