import * as dc from 'node:diagnostics_channel';
import type { WireCall } from './call.js';
import type { WireCapture } from './capture.js';

/*
 * Node's fetch (and the npm `undici`) through undici's diagnostics channels:
 * `undici:request:create` (method, origin, path, body), `:headers` (status and
 * headers), `:bodyChunkReceived` (each response chunk, undici >= 7 — Node 24),
 * `:trailers` (the end) and `:error`. No function is patched; the response
 * bytes are observed as undici receives them, and the application reads the
 * same Response it would without mcpmeter.
 * https://github.com/nodejs/undici/blob/main/docs/docs/api/DiagnosticsChannel.md
 */

interface UndiciRequest {
  origin?: unknown;
  path?: unknown;
  method?: unknown;
  body?: unknown;
}

import { TAKEN } from './http.js';

const BODY = Symbol('mcpmeter.wire-body');
/** Largest request body kept for the model name; past it the call starts without one. */
const MAX_BODY = 4 * 1024 * 1024;
type Tagged = UndiciRequest & {
  [key: symbol]: WireCall | { parts: Buffer[]; size: number } | true | undefined;
};

/** True when this Node's undici publishes response body chunks (undici 7+). */
export function undiciChannelsSuffice(): boolean {
  const major = Number((process.versions as { undici?: string }).undici?.split('.')[0]);
  return Number.isFinite(major) && major >= 7;
}

export function subscribeUndici(capture: WireCapture): () => void {
  // One key per subscription: each instance follows only the calls it started.
  const CALL = Symbol('mcpmeter.wire-call');
  const callOf = (r: Tagged | undefined) => r?.[CALL] as WireCall | undefined;
  const handlers: [string, (message: unknown) => void][] = [
    [
      'undici:request:create',
      (m) => {
        const request = (m as { request?: Tagged }).request;
        if (request === undefined || typeof request.method !== 'string' || request[TAKEN] === true)
          return;
        if (capture.recordedElsewhere()) return;
        const origin = request.origin;
        const originText =
          typeof origin === 'string' ? origin : origin instanceof URL ? origin.origin : undefined;
        if (originText === undefined || typeof request.path !== 'string') return;
        const sep = originText.indexOf('://');
        if (sep === -1) return;
        const call = capture.start(request.method.toUpperCase(), {
          protocol: originText.slice(0, sep + 1),
          host: originText.slice(sep + 3).replace(/\/$/, ''),
          path: request.path,
        });
        if (call === undefined) return;
        request[CALL] = call;
        request[TAKEN] = true;
        const body = request.body;
        if (body === null || body === undefined) call.begin(undefined);
        else if (typeof body === 'string' || body instanceof Uint8Array) call.begin(body);
        // fetch hands undici its body as an async iterator: read it as it is sent.
        else request[BODY] = { parts: [], size: 0 };
      },
    ],
    [
      'undici:request:bodyChunkSent',
      (m) => {
        const { request, chunk } = m as { request?: Tagged; chunk?: unknown };
        const body = request?.[BODY] as { parts: Buffer[]; size: number } | undefined;
        if (body === undefined || body.size > MAX_BODY) return;
        const buf =
          typeof chunk === 'string'
            ? Buffer.from(chunk)
            : chunk instanceof Uint8Array
              ? Buffer.from(chunk)
              : undefined;
        if (buf === undefined) return;
        body.size += buf.byteLength;
        if (body.size <= MAX_BODY) body.parts.push(buf);
      },
    ],
    [
      'undici:request:bodySent',
      (m) => {
        const request = (m as { request?: Tagged }).request;
        const body = request?.[BODY] as { parts: Buffer[]; size: number } | undefined;
        if (request === undefined || body === undefined) return;
        request[BODY] = undefined;
        callOf(request)?.begin(body.size <= MAX_BODY ? Buffer.concat(body.parts) : undefined);
      },
    ],
    [
      'undici:request:headers',
      (m) => {
        const { request, response } = m as {
          request?: Tagged;
          response?: { statusCode?: unknown; headers?: unknown };
        };
        const call = callOf(request);
        if (call === undefined || typeof response?.statusCode !== 'number') return;
        call.response(response.statusCode, headerValue(response.headers, 'content-type'));
      },
    ],
    [
      'undici:request:bodyChunkReceived',
      (m) => {
        const { request, chunk } = m as { request?: Tagged; chunk?: unknown };
        if (chunk instanceof Uint8Array) callOf(request)?.chunk(chunk);
      },
    ],
    [
      'undici:request:trailers',
      (m) => {
        const request = (m as { request?: Tagged }).request;
        callOf(request)?.end();
      },
    ],
    [
      'undici:request:error',
      (m) => {
        const { request, error } = m as { request?: Tagged; error?: unknown };
        callOf(request)?.error(error);
      },
    ],
  ];
  const safe = handlers.map(([name, fn]): [string, (message: unknown) => void] => [
    name,
    (message) => {
      try {
        fn(message);
      } catch {
        // never into the host: a failure here only loses this call's telemetry
      }
    },
  ]);
  for (const [name, fn] of safe) dc.subscribe(name, fn);
  return () => {
    for (const [name, fn] of safe) dc.unsubscribe(name, fn);
  };
}

/** A header from undici's raw `[name, value, name, value…]` list (Buffers or strings). */
function headerValue(headers: unknown, wanted: string): string {
  if (!Array.isArray(headers)) return '';
  for (let i = 0; i + 1 < headers.length; i += 2) {
    const name = String(headers[i]);
    if (name.length === wanted.length && name.toLowerCase() === wanted)
      return String(headers[i + 1]);
  }
  return '';
}
