import {
  context,
  propagation,
  trace,
  type Context,
  type Link,
  type TextMapGetter,
} from '@opentelemetry/api';

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
  const meta = metaOf(params);
  if (meta === undefined || (meta.traceparent === undefined && meta.baggage === undefined)) {
    return { parent: active, links: undefined };
  }
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
