import { diag } from '@opentelemetry/api';
import { describeError } from '@mcpmeter/core';
import { metaOf } from '../meta.js';
import { SPEC_METHODS } from '../labels.js';
import type { ClientState, OutgoingRecord } from './outbound.js';

/*
 * Multi Round-Trip Requests (protocol 2026-07-28, SEP-2322): a `tools/call`,
 * `prompts/get` or `resources/read` may be answered with
 * `resultType: "input_required"`; the client fulfils the embedded input
 * requests (elicitation, sampling, roots) with its own handlers and retries
 * under a new JSON-RPC id. The caller sees one call: one CLIENT span and one
 * `mcp.client.operation.duration` sample for all of it. Each wire leg is
 * recognised by the `params._meta` object the retries share with the first
 * request (both `@modelcontextprotocol/client` 2.4 and `@ai-sdk/mcp` spread the
 * original params into every retry), carries the call's trace context (so the
 * server's span of every round is a child of the call), and adds an event.
 */

/** Methods that may answer `input_required` (protocol 2026-07-28). */
export const MULTI_ROUND_METHODS: ReadonlySet<string> = new Set([
  'tools/call',
  'prompts/get',
  'resources/read',
]);

/** Not in semconv: number of wire rounds of one logical request. */
export const ATTR_MCP_REQUEST_ROUND_COUNT = 'mcp.request.round_count';
/** Not in semconv: seconds the client spent fulfilling input requests (the user answering an elicitation). */
export const ATTR_MCP_REQUEST_INPUT_WAIT = 'mcp.request.input_wait.duration';
/** Not in semconv: the `resultType` of a round that asked for input. */
export const ATTR_MCP_RESULT_TYPE = 'mcp.result_type';
export const RESULT_TYPE_INPUT_REQUIRED = 'input_required';
const EVENT_INPUT_REQUIRED = 'mcp.input_required';
const EVENT_ROUND = 'mcp.request.round';
const ATTR_INPUT_METHODS = 'mcp.input_request.methods';
const ATTR_ROUND = 'mcp.request.round';

const clock = performance;

export interface Rounds {
  count: number;
  /** When the last input request arrived (the client is fulfilling it), else undefined. */
  waitSince: number | undefined;
  /** Milliseconds spent fulfilling input requests. */
  waited: number;
}

/**
 * Makes sure the rounds of `record` can be found by their shared `_meta`: a
 * multi-round method on the modern protocol gets a `_meta` object of its own
 * when the trace context added none (the SDKs add `_meta` keys of their own to
 * every modern request, so the wire gains nothing new).
 */
export function ensureRoundKey(
  state: ClientState,
  record: OutgoingRecord,
  request: { method?: unknown; params?: unknown },
  version: string | undefined,
): void {
  if (typeof request.method !== 'string' || !MULTI_ROUND_METHODS.has(request.method)) return;
  let send = record.send as { params?: unknown };
  let meta = send === request ? undefined : metaOf(send.params);
  if (meta === undefined) {
    if (version === undefined || version < '2026-07-28') return;
    const params = request.params;
    if (params !== undefined && (params === null || typeof params !== 'object')) return;
    const existing = metaOf(params);
    if (
      existing === undefined &&
      (params as { _meta?: unknown } | undefined)?._meta !== undefined
    ) {
      return;
    }
    meta = { ...existing };
    send = { ...request, params: { ...(params as object), _meta: meta } };
    record.send = send;
  }
  state.byMeta.set(meta, record);
}

/** The call a wire leg belongs to, if it is a round of a multi round-trip request we started. */
export function recordOfLeg(state: ClientState, request: unknown): OutgoingRecord | undefined {
  const meta = metaOf((request as { params?: unknown } | null | undefined)?.params);
  if (meta === undefined) return undefined;
  const record = state.byMeta.get(meta);
  return record === undefined || record.ended ? undefined : record;
}

/** A wire leg of `record` is being sent. */
export function legStarted(record: OutgoingRecord): void {
  const rounds = (record.rounds ??= { count: 0, waitSince: undefined, waited: 0 });
  rounds.count++;
  if (rounds.waitSince !== undefined) {
    rounds.waited += clock.now() - rounds.waitSince;
    rounds.waitSince = undefined;
  }
  if (rounds.count > 1 && record.span.isRecording()) {
    record.span.addEvent(EVENT_ROUND, { [ATTR_ROUND]: rounds.count });
  }
}

/** A leg of `record` was answered with `input_required`: the client fulfils the input requests now. */
export function inputRequired(record: OutgoingRecord, result: unknown): void {
  const rounds = (record.rounds ??= { count: 1, waitSince: undefined, waited: 0 });
  rounds.waitSince = clock.now();
  if (!record.span.isRecording()) return;
  const methods: string[] = [];
  const requests = (result as { inputRequests?: unknown } | null | undefined)?.inputRequests;
  if (requests !== null && typeof requests === 'object') {
    for (const entry of Object.values(requests as Record<string, unknown>)) {
      const m = (entry as { method?: unknown } | null | undefined)?.method;
      const label = typeof m === 'string' && SPEC_METHODS.has(m) ? m : '_OTHER';
      if (!methods.includes(label)) methods.push(label);
    }
  }
  record.span.addEvent(EVENT_INPUT_REQUIRED, {
    [ATTR_ROUND]: rounds.count,
    [ATTR_INPUT_METHODS]: methods,
  });
}

/**
 * Sends one wire leg with `send`: counts the round of the call `request`
 * belongs to and notes an `input_required` answer. Returns what `send` returned.
 */
export function sendLeg(state: ClientState, request: unknown, send: () => unknown): unknown {
  let record: OutgoingRecord | undefined;
  try {
    record = recordOfLeg(state, request);
    if (record !== undefined) legStarted(record);
  } catch (err) {
    diag.error(`mcpmeter: MCP round telemetry failed: ${describeError(err)}`);
  }
  const result = send();
  if (record !== undefined && typeof (result as Promise<unknown>)?.then === 'function') {
    const r = record;
    (result as Promise<unknown>).then(
      (value) => {
        if (isInputRequired(value)) inputRequired(r, value);
      },
      () => undefined,
    );
  }
  return result;
}

/** Whether a result is a round asking for input. */
export function isInputRequired(result: unknown): boolean {
  return (
    result !== null &&
    typeof result === 'object' &&
    (result as { resultType?: unknown }).resultType === RESULT_TYPE_INPUT_REQUIRED
  );
}

/** Round count and input wait on the call's span, when it took more than one round. */
export function describeRounds(record: OutgoingRecord): void {
  const rounds = record.rounds;
  if (rounds === undefined || !record.span.isRecording()) return;
  if (rounds.waitSince !== undefined) rounds.waited += clock.now() - rounds.waitSince;
  record.span.setAttribute(ATTR_MCP_REQUEST_ROUND_COUNT, rounds.count);
  if (rounds.count > 1 || rounds.waited > 0) {
    record.span.setAttribute(ATTR_MCP_REQUEST_INPUT_WAIT, rounds.waited / 1000);
  }
}
