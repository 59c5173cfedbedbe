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
import { guard } from './guard.js';
import { readBody, type OnRequestMessage } from './request-body.js';
import { HOP_BY_HOP, relayResponse, responseObserver } from './response.js';

/** Sessions by `Mcp-Session-Id`, shared by every exchange of one proxy. */
export interface Sessions {
  get(id: string): SessionObserver | undefined;
  /** The observer of `id`, made on first sight (a session that began before the proxy did). */
  ensure(id: string): SessionObserver;
  /** A fresh observer for a request without a session id. */
  anonymous(): SessionObserver;
  /** Files `observer` under `id`; false when the table is full (the session then ends with its exchange). */
  adopt(id: string, observer: SessionObserver): boolean;
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
  /** The reply stream had event ids, in a session: its replies may come on a resumed stream. */
  let resumable = false;
  const endExchange = (errorType: string) => {
    if (finished) return;
    finished = true;
    // Resumable: the requests stay in flight in their session, ended by a reply on the
    // stream the client resumes with Last-Event-ID, or when the session ends
    // (a disconnection is not a cancellation: MCP, Streamable HTTP, resumability).
    const filed =
      adopted ||
      (sessionId !== undefined && observer !== undefined && sessions.get(sessionId) === observer);
    const keep = resumable && filed;
    if (!keep) for (const record of records) if (!record.ended) observer?.end(record, errorType);
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
        adopted = sessions.adopt(newSession, observer);
      }
      const observe = responseObserver(up, observer, telemetry);
      relayResponse(
        up,
        res,
        {
          push: (chunk) => {
            observe.push(chunk);
            resumable ||= observe.resumable();
          },
          end: () => observe.end(),
          resumable: () => observe.resumable(),
        },
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
