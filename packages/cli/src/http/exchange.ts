import {
  request as httpRequest,
  type Agent,
  type ClientRequest,
  type IncomingMessage,
  type ServerResponse,
} from 'node:http';
import { request as httpsRequest } from 'node:https';
import { ROOT_CONTEXT, propagation, type Context } from '@opentelemetry/api';
import { ERROR_TYPE_CONNECTION_CLOSED } from '../telemetry/names.js';
import type { ExchangeInfo, RequestRecord, SessionObserver } from '../telemetry/session.js';
import type { WireTelemetry } from '../telemetry/wire-telemetry.js';
import { JsonScanner, type WireMessage } from '../wire/json-scanner.js';
import { applyEdits } from '../wire/line-relay.js';
import { SseObserver } from '../wire/sse-observer.js';

/** Hop-by-hop headers (RFC 9110 §7.6.1) are the proxy's own, never forwarded. */
const HOP_BY_HOP = new Set([
  'connection',
  'keep-alive',
  'proxy-connection',
  'proxy-authenticate',
  'proxy-authorization',
  'te',
  'trailer',
  'transfer-encoding',
  'upgrade',
]);

/** Sessions by `Mcp-Session-Id`, shared by every exchange of one proxy. */
export interface Sessions {
  get(id: string): SessionObserver | undefined;
  /** The observer of `id`, made on first sight (a session that began before the proxy did). */
  ensure(id: string): SessionObserver;
  /** A fresh observer for a request without a session id. */
  anonymous(): SessionObserver;
  adopt(id: string, observer: SessionObserver): void;
  end(id: string, errorType: string): void;
}

export interface ExchangeContext {
  target: URL;
  /** Requests to this path go to `target` itself; others to the same path on its origin. */
  path: string;
  agent: Agent;
  telemetry: WireTelemetry;
  sessions: Sessions;
  /** Longest request body held for a `traceparent` rewrite; longer ones stream unchanged. */
  maxHeld: number;
}

const metaKeys = (h: IncomingMessage['headers']) => Object.keys(h);

/** Forwards one HTTP exchange to the target, observing the JSON-RPC in both directions. */
export function forward(ctx: ExchangeContext, req: IncomingMessage, res: ServerResponse): void {
  const { telemetry, sessions } = ctx;
  const sessionId = header(req, 'mcp-session-id');
  let observer =
    sessionId !== undefined
      ? sessions.ensure(sessionId)
      : req.method === 'POST'
        ? sessions.anonymous()
        : undefined;
  const records: RequestRecord[] = [];
  const info: ExchangeInfo = exchangeInfo(req, sessionId);

  const url = upstreamUrl(ctx, req.url ?? '/');
  const headers: Record<string, string | string[]> = {};
  for (const [name, value] of Object.entries(req.headers)) {
    if (value !== undefined && !HOP_BY_HOP.has(name)) headers[name] = value;
  }
  headers.host = url.host;
  const peer = req.socket.remoteAddress;
  if (peer !== undefined) {
    const prior = header(req, 'x-forwarded-for');
    headers['x-forwarded-for'] = prior !== undefined ? `${prior}, ${peer}` : peer;
  }

  let finished = false;
  let adopted = false;
  const endExchange = (errorType: string) => {
    if (finished) return;
    finished = true;
    for (const record of records) if (!record.ended) observer?.end(record, errorType);
    // Stateless HTTP: a session that `initialize` opened ends with its exchange.
    if (sessionId === undefined && observer !== undefined && !adopted) observer.close(errorType);
  };
  const onMessage: OnRequestMessage = (m, rewritable) =>
    guard(telemetry, () => {
      observer ??= sessions.anonymous();
      const begun = observer.fromClient(m, info);
      if (begun === undefined) return undefined;
      records.push(begun.record);
      return rewritable ? begun.traceparent : undefined;
    });

  let current: ClientRequest | undefined;
  // The client went away before the reply was complete.
  res.on('close', () => {
    if (!res.writableFinished) {
      current?.destroy();
      guard(telemetry, () => endExchange(ERROR_TYPE_CONNECTION_CLOSED));
    }
  });

  const open = (retry: (() => void) | undefined): ClientRequest => {
    const upstream = (url.protocol === 'https:' ? httpsRequest : httpRequest)(url, {
      method: req.method,
      headers,
      agent: ctx.agent,
    });
    current = upstream;
    upstream.on('response', (up) => {
      const status = up.statusCode ?? 502;
      const newSession = up.headers['mcp-session-id'];
      if (typeof newSession === 'string' && sessionId === undefined && observer !== undefined) {
        sessions.adopt(newSession, observer);
        adopted = true;
      }
      relayResponse(
        up,
        res,
        responseObserver(up, observer, telemetry),
        telemetry,
        () =>
          guard(telemetry, () => {
            if (
              sessionId !== undefined &&
              (status === 404 || (req.method === 'DELETE' && status < 300))
            ) {
              sessions.end(sessionId, ERROR_TYPE_CONNECTION_CLOSED);
            }
            endExchange(status >= 400 ? String(status) : ERROR_TYPE_CONNECTION_CLOSED);
          }),
        () => guard(telemetry, () => endExchange(ERROR_TYPE_CONNECTION_CLOSED)),
      );
    });
    upstream.on('error', (err: NodeJS.ErrnoException) => {
      // A kept-alive socket the server closed just as we reused it: the request never
      // reached the server, so sending it again is safe (Node's documented pattern).
      if (
        retry !== undefined &&
        upstream.reusedSocket &&
        err.code === 'ECONNRESET' &&
        !res.headersSent
      ) {
        retry();
        return;
      }
      guard(telemetry, () => {
        const code = typeof err.code === 'string' ? err.code : '';
        if (!res.headersSent && UNREACHABLE.has(code)) {
          telemetry.diagnostics.once(
            `upstream-${code}`,
            `proxy: cannot reach ${telemetry.diagnostics.quote(ctx.target.href)}: ${code}`,
          );
          endExchange(code);
        } else endExchange(ERROR_TYPE_CONNECTION_CLOSED);
      });
      if (!res.headersSent) {
        res.writeHead(502, { 'content-type': 'text/plain' });
        res.end('mcpmeter proxy: the MCP server did not answer\n');
      } else res.destroy();
    });
    return upstream;
  };

  readBody(ctx, req, req.method === 'POST' ? onMessage : undefined, {
    whole(body) {
      const send = (again: boolean) => {
        const upstream = open(again ? undefined : () => send(true));
        if (body.length > 0 || req.headers['content-length'] !== undefined) {
          upstream.setHeader('content-length', body.length);
        }
        upstream.end(body);
      };
      send(false);
    },
    stream: () => open(undefined),
  });
}

/** Connect errors: the server was never reached (anything else: the connection closed on it). */
const UNREACHABLE = new Set([
  'ECONNREFUSED',
  'ENOTFOUND',
  'EAI_AGAIN',
  'EHOSTUNREACH',
  'ENETUNREACH',
]);

/** Copies the server's reply to the client as it comes, observing it. */
function relayResponse(
  up: IncomingMessage,
  res: ServerResponse,
  observe: Observe,
  telemetry: WireTelemetry,
  onEnd: () => void,
  onBroken: () => void,
): void {
  const out: Record<string, string | string[]> = {};
  for (const [name, value] of Object.entries(up.headers)) {
    if (value !== undefined && !HOP_BY_HOP.has(name)) out[name] = value;
  }
  res.writeHead(up.statusCode ?? 502, up.statusMessage, out);
  if (isEventStream(up)) res.flushHeaders();
  up.on('data', (chunk: Buffer) => {
    guard(telemetry, () => observe.push(chunk));
    if (!res.write(chunk)) {
      up.pause();
      res.once('drain', () => up.resume());
    }
  });
  up.on('end', () => {
    guard(telemetry, () => observe.end());
    res.end();
    onEnd();
  });
  // The server went away mid-reply (it died, or dropped the stream).
  const broken = () => {
    if (up.complete) return;
    res.destroy();
    onBroken();
  };
  up.on('error', broken);
  up.on('close', broken);
}

type OnRequestMessage = (m: WireMessage, rewritable: boolean) => string | undefined;

/**
 * The request body: held up to `maxHeld` bytes, so that `traceparent` can be
 * rewritten and the request sent again on a stale keep-alive socket (`whole`);
 * streamed on unchanged beyond that (`stream`). `onMessage` observes JSON-RPC.
 */
function readBody(
  ctx: ExchangeContext,
  req: IncomingMessage,
  onMessage: OnRequestMessage | undefined,
  sink: { whole(body: Buffer): void; stream(): ClientRequest },
): void {
  const telemetry = ctx.telemetry;
  const found: WireMessage[] = [];
  const scanner = new JsonScanner((m) => found.push(m));
  let held: Buffer[] | undefined = [];
  let length = 0;
  let upstream: ClientRequest | undefined;
  const scan = (chunk: Buffer, offset: number) => {
    if (onMessage !== undefined)
      guard(telemetry, () => scanner.feed(chunk, 0, chunk.length, offset));
  };
  const flush = (rewritable: boolean) => {
    for (const m of found.splice(0)) onMessage?.(m, rewritable);
  };
  req.on('data', (chunk: Buffer) => {
    if (held !== undefined) {
      held.push(chunk);
      length += chunk.length;
      if (length <= ctx.maxHeld) return;
      // Too big to hold: stream it, observed but unchanged.
      upstream = sink.stream();
      let offset = 0;
      for (const part of held) {
        scan(part, offset);
        offset += part.length;
        upstream.write(part);
      }
      held = undefined;
      flush(false);
      return;
    }
    scan(chunk, length);
    length += chunk.length;
    flush(false);
    if (!upstream!.write(chunk)) {
      req.pause();
      upstream!.once('drain', () => req.resume());
    }
  });
  req.on('end', () => {
    if (held === undefined) {
      finishScan(telemetry, scanner, onMessage, undefined);
      flush(false);
      upstream!.end();
      return;
    }
    let body = held.length === 1 ? held[0]! : Buffer.concat(held);
    scan(body, 0);
    finishScan(telemetry, scanner, onMessage, body);
    const edits: [number, number, string][] = [];
    for (const m of found.splice(0)) {
      const replacement = onMessage?.(m, true);
      if (replacement !== undefined && m.traceparentStart >= 0) {
        edits.push([m.traceparentStart, m.traceparentEnd, replacement]);
      }
    }
    if (edits.length > 0) body = applyEdits(body, edits);
    sink.whole(body);
  });
  req.on('error', () => upstream?.destroy());
}

function finishScan(
  telemetry: WireTelemetry,
  scanner: JsonScanner,
  onMessage: OnRequestMessage | undefined,
  body: Buffer | undefined,
): void {
  if (onMessage === undefined) return;
  const result = guard(telemetry, () => scanner.finish());
  if (result === 'malformed') {
    guard(telemetry, () => telemetry.malformed('receive', body?.subarray(0, 120)));
  }
}

interface Observe {
  push(chunk: Buffer): void;
  end(): void;
}

function responseObserver(
  up: IncomingMessage,
  observer: SessionObserver | undefined,
  telemetry: WireTelemetry,
): Observe {
  const none: Observe = { push() {}, end() {} };
  if (observer === undefined) return none;
  const onMessage = (m: WireMessage) => guard(telemetry, () => observer.fromServer(m));
  if (isEventStream(up)) {
    const sse = new SseObserver(onMessage, () => telemetry.malformed('transmit', undefined));
    return { push: (c) => sse.push(c), end: () => sse.end() };
  }
  const type = String(up.headers['content-type'] ?? '');
  if (!/^application\/json/i.test(type) || up.statusCode === 202) return none;
  const scanner = new JsonScanner(onMessage);
  let offset = 0;
  return {
    push(chunk) {
      scanner.feed(chunk, 0, chunk.length, offset);
      offset += chunk.length;
    },
    end() {
      if (scanner.finish() === 'malformed') telemetry.malformed('transmit', undefined);
    },
  };
}

function isEventStream(msg: IncomingMessage): boolean {
  return /^text\/event-stream/i.test(String(msg.headers['content-type'] ?? ''));
}

function upstreamUrl(ctx: ExchangeContext, path: string): URL {
  const q = path.indexOf('?');
  const pathname = q === -1 ? path : path.slice(0, q);
  if (pathname === ctx.path) {
    const url = new URL(ctx.target.href);
    if (q !== -1) url.search = path.slice(q);
    return url;
  }
  return new URL(path, ctx.target.origin);
}

function exchangeInfo(req: IncomingMessage, sessionId: string | undefined): ExchangeInfo {
  const info: ExchangeInfo = { httpVersion: req.httpVersion };
  if (sessionId !== undefined) info.sessionId = sessionId;
  const version = header(req, 'mcp-protocol-version');
  if (version !== undefined) info.protocolVersion = version;
  const forwarded = header(req, 'x-forwarded-for')?.split(',')[0]?.trim();
  if (forwarded) {
    info.clientAddress = forwarded.slice(0, 256);
  } else if (req.socket.remoteAddress !== undefined) {
    info.clientAddress = req.socket.remoteAddress;
    info.clientPort = req.socket.remotePort;
  }
  if (req.headers.traceparent !== undefined) {
    const parent: Context = propagation.extract(ROOT_CONTEXT, req.headers, {
      keys: metaKeys,
      get: (h, k) => h[k],
    });
    info.parent = parent;
  }
  return info;
}

function header(req: IncomingMessage, name: string): string | undefined {
  const v = req.headers[name];
  return Array.isArray(v) ? v[0] : v;
}

function guard<T>(telemetry: WireTelemetry, fn: () => T): T | undefined {
  try {
    return fn();
  } catch (err) {
    telemetry.diagnostics.once(
      'telemetry-failed',
      `proxy: telemetry failed: ${err instanceof Error ? err.name : 'error'}`,
    );
    return undefined;
  }
}
