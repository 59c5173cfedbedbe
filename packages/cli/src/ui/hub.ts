/*
 * The hub of `mcpmeter ui`: an OTLP/HTTP receiver (traces and metrics, JSON and
 * protobuf, gzip or not) that every instrumented process on the machine pushes
 * to, and a second port with the page, its JSON API and an aggregated /metrics.
 * Bad input never takes it down: a body it cannot read is a 400 with the
 * reason, a too large one a 413, each problem said once on stderr.
 */
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { gunzip } from 'node:zlib';
import {
  CONTENT_TYPE_OPENMETRICS,
  CONTENT_TYPE_TEXT,
  createAuthCheck,
  negotiateFormat,
  type MetricsAuth,
} from '@mcpmeter/prometheus';
import { Diagnostics } from '../diagnostics.js';
import { PACKAGE_VERSION } from '../version.js';
import { handleApi, type HubInfo } from './api.js';
import {
  OtlpDecodeError,
  decodeMetrics,
  decodeTraces,
  encodingOf,
  type Encoding,
} from './otlp-decode.js';
import { isLoopback } from './host.js';
import { PAGE_HTML } from './page.js';
import { exposition } from './prom.js';
import { MAX_BODY_BYTES, MAX_IN_FLIGHT_BYTES, Store } from './store.js';

/** Where the page, API and /metrics are served by default. */
export const DEFAULT_UI_PORT = 4320;
/** Where OTLP/HTTP is received by default: the endpoint register() already sends traces to. */
export const DEFAULT_OTLP_PORT = 4318;
export const DEFAULT_HOST = '127.0.0.1';

export interface HubOptions {
  /** Host of both ports; another than loopback needs `auth`. @default '127.0.0.1' */
  host?: string;
  /** Port of the page, the JSON API and /metrics; 0 for any free one. @default 4320 */
  port?: number;
  /** Port of the OTLP/HTTP receiver; 0 for any free one. @default 4318 */
  otlpPort?: number;
  /** Bearer token or basic-auth credentials required on both ports (except the hub probe). */
  auth?: MetricsAuth;
  /** Where `mcpmeter:` lines go. @default stderr */
  diagnostics?: Diagnostics;
}

export interface Hub {
  /** The page, e.g. `http://127.0.0.1:4320/`. */
  url: string;
  /** The OTLP/HTTP base, e.g. `http://127.0.0.1:4318` (`/v1/traces`, `/v1/metrics`). */
  otlpUrl: string;
  store: Store;
  close(): Promise<void>;
}

/** A port the hub cannot listen on; `message` is the one line to show. */
export class HubListenError extends Error {
  override name = 'HubListenError';
  constructor(
    message: string,
    readonly code: string,
  ) {
    super(message);
  }
}

/** Starts the hub; rejects with a HubListenError when a port is taken. */
export async function startHub(options: HubOptions = {}): Promise<Hub> {
  const host = options.host ?? DEFAULT_HOST;
  const loopback = isLoopback(host);
  if (!loopback && options.auth === undefined) {
    throw new TypeError(
      `mcpmeter: ui: listening on ${JSON.stringify(host)} (not loopback) needs auth (a bearer token or basic-auth credentials)`,
    );
  }
  const auth = createAuthCheck(options.auth);
  const diagnostics = options.diagnostics ?? new Diagnostics();
  const store = new Store();
  const inFlight = { bytes: 0 };
  const otlp = createServer((req, res) => {
    if (!hostAllowed(req, loopback)) return send(res, 403, 'text/plain', 'forbidden host\n');
    if (req.url === '/mcpmeter/hub') return probe(req, res);
    if (auth !== undefined && !auth.allows(req.headers.authorization)) {
      return send(res, 401, 'text/plain', 'Unauthorized\n', { 'www-authenticate': auth.challenge });
    }
    receive(store, diagnostics, inFlight, req, res);
  });
  const page = createServer();
  const servers = [otlp, page];
  try {
    const otlpAddress = await listen(otlp, host, options.otlpPort ?? DEFAULT_OTLP_PORT, (hp, n) =>
      n === undefined
        ? `ui: ${hp} is in use (a collector or Jaeger?); start the hub with --otlp-port <n> and point processes at it with OTEL_EXPORTER_OTLP_ENDPOINT=http://${hostPart(host)}:<n>`
        : `ui: cannot listen on ${hp}: ${n}`,
    );
    const otlpUrl = `http://${otlpAddress}`;
    const info: HubInfo = { version: PACKAGE_VERSION, otlpUrl };
    page.on('request', (req: IncomingMessage, res: ServerResponse) => {
      if (!hostAllowed(req, loopback)) return send(res, 403, 'text/plain', 'forbidden host\n');
      if (auth !== undefined && !auth.allows(req.headers.authorization)) {
        return send(res, 401, 'text/plain', 'Unauthorized\n', {
          'www-authenticate': auth.challenge,
        });
      }
      try {
        servePage(store, info, diagnostics, req, res);
      } catch (err) {
        diagnostics.once(
          'page-failed',
          `ui: answering ${diagnostics.quote(req.url ?? '')} failed: ${(err as Error).name}`,
        );
        send(res, 500, 'text/plain', 'the hub failed on this request\n');
      }
    });
    const pageAddress = await listen(page, host, options.port ?? DEFAULT_UI_PORT, (hp, n) =>
      n === undefined
        ? `ui: ${hp} is in use; start the hub with --port <n>`
        : `ui: cannot listen on ${hp}: ${n}`,
    );
    return {
      url: `http://${pageAddress}/`,
      otlpUrl,
      store,
      close: () => closeAll(servers),
    };
  } catch (err) {
    await closeAll(servers);
    throw err;
  }
}

function hostPart(host: string): string {
  return host.includes(':') && !host.startsWith('[') ? `[${host}]` : host;
}

async function listen(
  server: Server,
  host: string,
  port: number,
  message: (hostPort: string, otherCode: string | undefined) => string,
): Promise<string> {
  await new Promise<void>((resolve, reject) => {
    const onError = (err: NodeJS.ErrnoException) => {
      const hp = `${hostPart(host)}:${port}`;
      const code = err.code ?? err.name;
      reject(new HubListenError(message(hp, code === 'EADDRINUSE' ? undefined : code), code));
    };
    server.once('error', onError);
    server.listen(port, host, () => {
      server.off('error', onError);
      resolve();
    });
  });
  const a = server.address() as AddressInfo;
  return `${a.family === 'IPv6' ? `[${a.address}]` : a.address}:${a.port}`;
}

async function closeAll(servers: Server[]): Promise<void> {
  await Promise.all(
    servers.map(
      (s) =>
        new Promise<void>((resolve) => {
          if (!s.listening) return resolve();
          s.close(() => resolve());
          s.closeAllConnections();
        }),
    ),
  );
}

/*
 * On loopback, a page elsewhere could reach the hub through DNS rebinding
 * (a name of theirs resolving to 127.0.0.1); the Host it sends is then theirs.
 */
function hostAllowed(req: IncomingMessage, loopback: boolean): boolean {
  if (!loopback) return true;
  const h = req.headers.host;
  if (h === undefined) return true;
  const name = h.replace(/:\d+$/, '');
  return isLoopback(name);
}

function send(
  res: ServerResponse,
  status: number,
  type: string,
  body: string | Buffer,
  headers: Record<string, string> = {},
): void {
  if (res.headersSent || res.destroyed) return;
  res.writeHead(status, {
    'content-type': type === 'text/plain' ? 'text/plain; charset=utf-8' : type,
    'content-length': String(Buffer.byteLength(body)),
    'cache-control': 'no-store',
    'x-content-type-options': 'nosniff',
    ...headers,
  });
  res.end(body);
}

function probe(req: IncomingMessage, res: ServerResponse): void {
  if (req.method !== 'GET' && req.method !== 'HEAD') {
    return send(res, 405, 'text/plain', 'Method Not Allowed\n', { allow: 'GET' });
  }
  send(res, 200, 'application/json', JSON.stringify({ mcpmeter: 'hub', version: PACKAGE_VERSION }));
}

const SIGNALS: Record<string, 'traces' | 'metrics'> = {
  '/v1/traces': 'traces',
  '/v1/metrics': 'metrics',
};

/** `POST /v1/traces` and `POST /v1/metrics`. */
function receive(
  store: Store,
  diagnostics: Diagnostics,
  inFlight: { bytes: number },
  req: IncomingMessage,
  res: ServerResponse,
): void {
  const signal = SIGNALS[(req.url ?? '').split('?')[0]!];
  if (signal === undefined) {
    req.resume();
    return send(
      res,
      404,
      'text/plain',
      'not found: the hub receives POST /v1/traces and /v1/metrics\n',
    );
  }
  if (req.method !== 'POST') {
    req.resume();
    return send(res, 405, 'text/plain', 'Method Not Allowed\n', { allow: 'POST' });
  }
  const reject = (status: number, kind: string, reason: string) => {
    diagnostics.once(`otlp-${kind}`, `ui: rejected an OTLP ${signal} request: ${reason}`);
    const headers: Record<string, string> =
      status === 413 ? { connection: 'close' } : status === 503 ? { 'retry-after': '1' } : {};
    send(res, status, 'text/plain', `${reason}\n`, headers);
  };
  const encoding = encodingOf(req.headers['content-type']);
  const contentEncoding = String(req.headers['content-encoding'] ?? 'identity').toLowerCase();
  if (encoding === undefined) {
    req.resume();
    return reject(415, 'type', 'Content-Type must be application/json or application/x-protobuf');
  }
  if (contentEncoding !== 'identity' && contentEncoding !== 'gzip') {
    req.resume();
    return reject(415, 'encoding', 'Content-Encoding must be gzip or none');
  }
  const tooLarge = `the body is larger than ${MAX_BODY_BYTES} bytes`;
  if (Number(req.headers['content-length'] ?? 0) > MAX_BODY_BYTES) {
    // Answer first, then drop the connection: reading 1 GB to keep it alive is worse.
    res.once('finish', () => req.destroy());
    reject(413, 'size', tooLarge);
    return;
  }
  const chunks: Buffer[] = [];
  let length = 0;
  let over = false;
  // Bodies being read count against MAX_IN_FLIGHT_BYTES together, so many large
  // requests at once cannot take the memory that one may.
  const release = () => {
    inFlight.bytes -= length;
    length = 0;
  };
  const stop = (status: number, kind: string, reason: string) => {
    over = true;
    chunks.length = 0;
    release();
    // The answer first; then what the client still sends is read and dropped for a
    // moment (so it can read the answer) before the connection goes.
    res.once('finish', () => setTimeout(() => req.destroy(), 2000).unref());
    reject(status, kind, reason);
  };
  req.on('data', (chunk: Buffer) => {
    if (over) return;
    if (length + chunk.length > MAX_BODY_BYTES) return stop(413, 'size', tooLarge);
    if (inFlight.bytes + chunk.length > MAX_IN_FLIGHT_BYTES) {
      return stop(
        503,
        'busy',
        `more than ${MAX_IN_FLIGHT_BYTES} bytes of requests are being read; retry`,
      );
    }
    length += chunk.length;
    inFlight.bytes += chunk.length;
    chunks.push(chunk);
  });
  req.on('error', () => {});
  req.on('close', release);
  req.on('end', () => {
    if (over) return;
    const body = chunks.length === 1 ? chunks[0]! : Buffer.concat(chunks);
    release();
    if (contentEncoding === 'identity') return ingest(body);
    gunzip(body, { maxOutputLength: MAX_BODY_BYTES }, (err, out) => {
      if (err === null) return ingest(out);
      if ((err as NodeJS.ErrnoException).code === 'ERR_BUFFER_TOO_LARGE')
        reject(413, 'size', tooLarge);
      else reject(400, 'gzip', 'the body is not valid gzip');
    });
  });
  const ingest = (body: Buffer) => {
    try {
      decodeAndStore(store, signal, body, encoding);
    } catch (err) {
      if (err instanceof OtlpDecodeError) return reject(400, 'malformed', err.message);
      return reject(500, 'failed', `the hub failed on this request (${(err as Error).name})`);
    }
    if (encoding === 'json') send(res, 200, 'application/json', '{}');
    else send(res, 200, 'application/x-protobuf', Buffer.alloc(0));
  };
}

function decodeAndStore(
  store: Store,
  signal: 'traces' | 'metrics',
  body: Buffer,
  encoding: Encoding,
): void {
  if (signal === 'traces') store.addSpans(decodeTraces(body, encoding));
  else store.addMetrics(decodeMetrics(body, encoding));
}

/** `GET /`, `/api/…`, `/metrics`, `/mcpmeter/hub`. */
function servePage(
  store: Store,
  info: HubInfo,
  diagnostics: Diagnostics,
  req: IncomingMessage,
  res: ServerResponse,
): void {
  req.resume();
  if (req.method !== 'GET' && req.method !== 'HEAD') {
    return send(res, 405, 'text/plain', 'Method Not Allowed\n', { allow: 'GET, HEAD' });
  }
  const url = new URL(req.url ?? '/', 'http://hub');
  const path = url.pathname;
  if (path === '/' || path === '/index.html') {
    return send(res, 200, 'text/html; charset=utf-8', PAGE_HTML);
  }
  if (path === '/mcpmeter/hub') return probe(req, res);
  if (path === '/metrics') {
    const openMetrics = negotiateFormat(req.headers.accept) === 'openmetrics';
    const text = exposition(store, openMetrics, diagnostics);
    return send(res, 200, openMetrics ? CONTENT_TYPE_OPENMETRICS : CONTENT_TYPE_TEXT, text);
  }
  if (path.startsWith('/api/')) {
    const answer = handleApi(store, info, path, url.searchParams);
    if (answer !== undefined) {
      return send(
        res,
        answer.status,
        'application/json; charset=utf-8',
        JSON.stringify(answer.body),
      );
    }
  }
  send(res, 404, 'text/plain', 'not found\n');
}
