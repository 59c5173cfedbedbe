import {
  context,
  propagation,
  trace,
  type Context,
  type Link,
  type TextMapGetter,
} from '@opentelemetry/api';
import { SPEC_METHODS } from './labels.js';
import { describeError, warnOnce } from '@mcpmeter/core';

/*
 * Trace context travels in `params._meta` (`traceparent`, `tracestate`,
 * `baggage`, unprefixed per SEP-414), so one trace spans agent → MCP client →
 * MCP server over stdio and HTTP alike. A client may send anything there: every
 * read is guarded and a malformed `_meta` just means "no remote parent".
 */

const metaGetter: TextMapGetter<Record<string, unknown>> = {
  keys: (carrier) => Object.keys(carrier),
  get(carrier, key) {
    const v = carrier[key];
    if (typeof v === 'string') return v;
    if (Array.isArray(v) && v.every((x) => typeof x === 'string')) return v;
    return undefined;
  },
};

/** `params._meta` of a JSON-RPC message, when it is a plain object. */
export function metaOf(params: unknown): Record<string, unknown> | undefined {
  if (params === null || typeof params !== 'object') return undefined;
  const meta = (params as { _meta?: unknown })._meta;
  if (meta === null || typeof meta !== 'object' || Array.isArray(meta)) return undefined;
  return meta as Record<string, unknown>;
}

/** `params._meta` when it carries trace context (`traceparent` or `baggage`); most requests do not. */
export function traceContextMeta(params: unknown): Record<string, unknown> | undefined {
  const meta = metaOf(params);
  return meta !== undefined && (meta.traceparent !== undefined || meta.baggage !== undefined)
    ? meta
    : undefined;
}

/** Parent context and links for a server span. */
export interface ServerParent {
  parent: Context;
  links: Link[] | undefined;
}

/**
 * The context from `_meta` is the parent; the ambient one (an HTTP server span)
 * is linked when both exist. Without `_meta` context the ambient context is
 * the parent, as for any other instrumentation.
 */
export function serverParent(params: unknown, active: Context = context.active()): ServerParent {
  const meta = traceContextMeta(params);
  if (meta === undefined) return { parent: active, links: undefined };
  try {
    const extracted = propagation.extract(active, meta, metaGetter);
    const remote = trace.getSpanContext(extracted);
    const ambient = trace.getSpanContext(active);
    if (remote === undefined || ambient === undefined || remote === ambient) {
      return { parent: extracted, links: undefined };
    }
    return { parent: extracted, links: [{ context: ambient }] };
  } catch {
    return { parent: active, links: undefined };
  }
}

const metaSetter = {
  set(carrier: Record<string, unknown>, key: string, value: string) {
    carrier[key] = value;
  },
};

/*
 * Requests whose params schema we know allows `_meta`: every request the MCP
 * specification defines (all of them extend `RequestParams`). A custom method
 * may have a strict schema of its own, so it is left untouched.
 */

/**
 * `request` with `ctx`'s trace context and baggage added to `params._meta`
 * through the global propagator, as a copy (the caller's object is never
 * mutated). Keys the caller already put in `_meta` win. Returns `request`
 * itself when there is nothing to add or the request must not be touched:
 * a method outside the specification, or `params` / `_meta` that are not plain
 * objects.
 */
export function injectMeta<T extends { method?: unknown; params?: unknown }>(
  request: T,
  ctx: Context,
): T {
  if (typeof request.method !== 'string' || !SPEC_METHODS.has(request.method)) return request;
  const params = request.params;
  if (
    params !== undefined &&
    (params === null || typeof params !== 'object' || Array.isArray(params))
  ) {
    return request;
  }
  const existing = (params as { _meta?: unknown } | undefined)?._meta;
  if (
    existing !== undefined &&
    (existing === null || typeof existing !== 'object' || Array.isArray(existing))
  ) {
    return request;
  }
  const carrier: Record<string, unknown> = {};
  try {
    propagation.inject(ctx, carrier, metaSetter);
  } catch (err) {
    // A propagator of the user's that throws costs the propagation, not the request.
    warnOnce(
      'propagator-inject',
      `mcpmeter: the global propagator threw while injecting trace context into _meta (${describeError(err)}); requests go out without it.`,
    );
    return request;
  }
  let added = false;
  const meta: Record<string, unknown> = { ...(existing as Record<string, unknown> | undefined) };
  for (const key of Object.keys(carrier)) {
    if (!Object.hasOwn(meta, key)) {
      meta[key] = carrier[key];
      added = true;
    }
  }
  if (!added) return request;
  return { ...request, params: { ...(params as object), _meta: meta } };
}
