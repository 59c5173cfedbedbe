import * as dc from 'node:diagnostics_channel';
import type { WireCall } from './call.js';
import type { WireCapture } from './capture.js';

/*
 * node:http / node:https clients. Node's diagnostics channels find the request
 * (`http.client.request.created`, before its body is written) and its response
 * (`http.client.response.finish`), but carry no body bytes, so the two
 * instances are wrapped: `write`/`end` of the request (to read the model from
 * the body) and `emit` of both (to see `data`, `end`, `error`, `close` however
 * the application consumes the stream — a `data` listener or `read()`, which
 * emits `data` too). Adding listeners instead would change flowing mode.
 */

const MAX_BODY = 4 * 1024 * 1024;

interface ClientRequestLike {
  method?: string;
  protocol?: string;
  path?: string;
  getHeader?(name: string): unknown;
  write: (...args: unknown[]) => boolean;
  end: (...args: unknown[]) => unknown;
  emit: (event: string | symbol, ...args: unknown[]) => boolean;
}
interface IncomingLike {
  statusCode?: number;
  headers?: Record<string, unknown>;
  emit: (event: string | symbol, ...args: unknown[]) => boolean;
}

/**
 * Marks a request one wire capture took: a second LlmInstrumentation (or a second
 * copy of this package, ESM next to CJS) leaves it alone, so it is recorded once.
 */
export const TAKEN = Symbol.for('mcpmeter.instrumentation-llm.wire-taken');

export function subscribeHttp(capture: WireCapture): () => void {
  const CALL = Symbol('mcpmeter.wire-call'); // one key per subscription
  const onCreated = (m: unknown) => {
    try {
      const req = (m as { request?: ClientRequestLike & Record<symbol, unknown> }).request;
      if (req === undefined || req.method !== 'POST' || req[TAKEN] === true) return;
      const host = req.getHeader?.('host');
      if (typeof host !== 'string' || typeof req.path !== 'string') return;
      const call = capture.start('POST', {
        protocol: req.protocol ?? 'http:',
        host,
        path: req.path,
      });
      if (call === undefined) return;
      req[CALL] = call;
      req[TAKEN] = true;
      watchRequest(req, call);
    } catch {
      // never into the host
    }
  };
  const onResponse = (m: unknown) => {
    try {
      const { request, response } = m as {
        request?: Record<symbol, unknown>;
        response?: IncomingLike;
      };
      const call = request?.[CALL] as WireCall | undefined;
      if (call === undefined || response === undefined) return;
      const ct = response.headers?.['content-type'];
      call.response(response.statusCode ?? 0, typeof ct === 'string' ? ct : '');
      watchIncoming(response, call);
    } catch {
      // never into the host
    }
  };
  dc.subscribe('http.client.request.created', onCreated);
  dc.subscribe('http.client.response.finish', onResponse);
  return () => {
    dc.unsubscribe('http.client.request.created', onCreated);
    dc.unsubscribe('http.client.response.finish', onResponse);
  };
}

/** Collects the request body (bounded) and starts the call at `end()`; errors before a response end it. */
export function watchRequest(req: ClientRequestLike, call: WireCall): void {
  const parts: Buffer[] = [];
  let size = 0;
  const keep = (chunk: unknown, encoding: unknown) => {
    if (size > MAX_BODY || chunk === undefined || chunk === null || typeof chunk === 'function')
      return;
    const buf =
      typeof chunk === 'string'
        ? Buffer.from(chunk, typeof encoding === 'string' ? (encoding as BufferEncoding) : 'utf8')
        : chunk instanceof Uint8Array
          ? Buffer.from(chunk.buffer, chunk.byteOffset, chunk.byteLength)
          : undefined;
    if (buf === undefined) return;
    size += buf.byteLength;
    if (size <= MAX_BODY) parts.push(Buffer.from(buf));
  };
  const write = req.write;
  const end = req.end;
  const emit = req.emit;
  req.write = function (this: unknown, ...args: unknown[]) {
    try {
      keep(args[0], args[1]);
    } catch {
      // never into the host
    }
    return write.apply(this, args);
  };
  req.end = function (this: unknown, ...args: unknown[]) {
    try {
      keep(args[0], args[1]);
      call.begin(size <= MAX_BODY ? Buffer.concat(parts) : undefined);
      parts.length = 0;
    } catch {
      // never into the host
    }
    return end.apply(this, args);
  };
  req.emit = function (this: unknown, event: string | symbol, ...args: unknown[]) {
    if (event === 'error') call.error(args[0]);
    else if (event === 'close') call.error(abortError());
    return emit.call(this, event, ...args);
  };
}

/** Observes a response stream's `data` / `end` / `error` / `close` without changing how it flows. */
export function watchIncoming(res: IncomingLike, call: WireCall): void {
  const emit = res.emit;
  res.emit = function (this: unknown, event: string | symbol, ...args: unknown[]) {
    if (event === 'data') {
      const chunk = args[0];
      if (chunk instanceof Uint8Array) call.chunk(chunk);
      else if (typeof chunk === 'string') call.chunk(Buffer.from(chunk));
    } else if (event === 'end') call.end();
    else if (event === 'error') call.error(args[0]);
    else if (event === 'close') call.error(abortError());
    return emit.call(this, event, ...args);
  };
}

/** A `close` before `end`: the response was abandoned (destroyed by its reader, or reset). */
function abortError(): Error {
  const err = new Error('the response was closed before its end');
  err.name = 'AbortError';
  return err;
}
