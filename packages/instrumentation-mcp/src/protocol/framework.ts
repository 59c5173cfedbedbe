import { context, diag } from '@opentelemetry/api';
import { describeError } from '@mcpmeter/core';
import type { RequestRecord, ServerState } from './inbound.js';

/*
 * Frameworks that record a SERVER span of their own for each message
 * (mcp-handler 2.x: `vercel.rpc.*` spans) wrap the transport's `onmessage`
 * after the server connected, and take the active context at that moment as
 * their span's parent. Left alone, their span lands in the ambient (HTTP)
 * trace while ours follows the client's `_meta` trace: two traces for one
 * request. So a wrapper assigned after `connect` is itself wrapped: the request
 * record (our span) starts there, before the framework looks at the message,
 * and the framework runs inside our span's context. Its span becomes a child
 * of ours, in the caller's trace. We chose "child" over "enrichment" because
 * the framework builds its span only when the answer is sent (with a back-dated
 * start): there is no span to enrich while the handler runs, and the tool's own
 * spans need a parent during the call.
 */

const WATCHED = Symbol.for('mcpmeter.instrumentation-mcp.onmessage-watched');

type OnMessage = (this: unknown, message: unknown, extra?: unknown) => unknown;

interface TransportLike {
  onmessage?: OnMessage;
  [WATCHED]?: true;
}

function accessorInChain(t: object): PropertyDescriptor | undefined {
  let p = Object.getPrototypeOf(t) as object | null;
  for (; p !== null; p = Object.getPrototypeOf(p) as object | null) {
    const d = Object.getOwnPropertyDescriptor(p, 'onmessage');
    if (d !== undefined) return d.get !== undefined || d.set !== undefined ? d : undefined;
  }
  return undefined;
}

function isRequestMessage(m: unknown): m is { id: unknown; method: string; params?: unknown } {
  if (m === null || typeof m !== 'object') return false;
  const msg = m as { id?: unknown; method?: unknown };
  return typeof msg.method === 'string' && msg.id !== undefined && msg.id !== null;
}

/**
 * Watches `transport.onmessage` from now on; returns the function to call once
 * the SDK's own `connect` has set its handler (what is assigned after that is
 * a framework's wrapper). Undefined when the transport cannot be watched.
 */
export function watchOnMessage(
  transport: unknown,
  protocol: object,
  state: ServerState,
): (() => void) | undefined {
  if (transport === null || typeof transport !== 'object') return undefined;
  const t = transport as TransportLike;
  if (t[WATCHED] === true) return undefined;
  const own = Object.getOwnPropertyDescriptor(t, 'onmessage');
  if (own !== undefined && own.configurable !== true) return undefined;
  // SDK 1.x's Node transport forwards `onmessage` to the web-standard one it
  // wraps, through an accessor on its prototype: keep forwarding.
  const base =
    own?.get !== undefined || own?.set !== undefined
      ? own
      : own === undefined
        ? accessorInChain(t)
        : undefined;
  if (base !== undefined && base.set === undefined) return undefined;
  let current = base === undefined ? t.onmessage : undefined;
  let armed = false;
  const wrap = (fn: unknown) =>
    (armed && typeof fn === 'function' ? wrapFramework(fn as OnMessage, protocol, state) : fn) as
      OnMessage | undefined;
  Object.defineProperty(t, WATCHED, { value: true, enumerable: false, configurable: true });
  Object.defineProperty(t, 'onmessage', {
    configurable: true,
    enumerable: own?.enumerable ?? true,
    get: base === undefined ? () => current : () => base.get?.call(t) as OnMessage | undefined,
    set:
      base === undefined
        ? (fn: unknown) => void (current = wrap(fn))
        : (fn: unknown) => void base.set?.call(t, wrap(fn)),
  });
  return () => {
    armed = true;
  };
}

function wrapFramework(fn: OnMessage, protocol: object, state: ServerState): OnMessage {
  return function frameworkOnMessage(this: unknown, message: unknown, extra?: unknown) {
    if (!state.source.enabled || !isRequestMessage(message)) return fn.call(this, message, extra);
    const pending = state.pending.get(message.id);
    if (pending?.early === true) return fn.call(this, message, extra);
    let record: RequestRecord;
    try {
      record = state.begin(protocol, message, extra);
      record.early = true;
    } catch (err) {
      diag.error(`mcpmeter: could not start MCP server telemetry: ${describeError(err)}`);
      return fn.call(this, message, extra);
    }
    try {
      return record.ctx === undefined
        ? fn.call(this, message, extra)
        : context.with(record.ctx, fn, this, message, extra);
    } finally {
      // Not handed to the SDK (the framework dropped it, or the SDK defers
      // it): forget it without a sample; `_onrequest` starts afresh if it comes.
      if (record.early) {
        try {
          record.early = false;
          state.end(record, undefined, undefined, undefined, false);
        } catch (err) {
          diag.error(`mcpmeter: MCP server telemetry failed: ${describeError(err)}`);
        }
      }
    }
  };
}

/** The record a framework wrapper started for `request`, now taken over by `_onrequest`. */
export function takeEarly(
  state: ServerState,
  request: { id?: unknown },
): RequestRecord | undefined {
  const record = state.pending.get(request.id);
  if (record === undefined || !record.early) return undefined;
  record.early = false;
  return record;
}
