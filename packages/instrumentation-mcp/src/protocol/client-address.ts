/*
 * `client.address` / `client.port` of a request that came over HTTP, and the
 * HTTP version. The conventions want the client behind any intermediaries when
 * it is known, so a `Forwarded: for=` or `X-Forwarded-For` header wins;
 * otherwise the peer of the socket the request arrived on, which the SDK does
 * not pass along: the Node transports' `handleRequest(req, res, body)` is
 * hooked to note it (and `req.httpVersion`). A client can put anything in those
 * headers: the value is bounded and lands on the span only, never on a metric
 * label.
 */

const PEER = Symbol.for('mcpmeter.instrumentation-mcp.peer-address');
const MAX_ADDRESS = 256;

type Fn = (this: unknown, ...args: unknown[]) => unknown;

/** What the latest HTTP request a Node transport handled says about its client. */
interface NotedPeer {
  address: string | undefined;
  port: number | undefined;
  /** `network.protocol.version`: `1.1`, `2`. */
  httpVersion: string | undefined;
}

interface NodeTransportLike {
  handleRequest?: unknown;
  [PEER]?: NotedPeer;
}

/** The client of a request, as far as it is known. */
export interface ClientPeer {
  readonly address: string;
  readonly port: number | undefined;
}

interface IncomingMessageLike {
  socket?: { remoteAddress?: unknown; remotePort?: unknown } | null;
  httpVersion?: unknown;
}

/**
 * Notes the socket peer of each HTTP request a Node transport handles
 * (idempotent; anything without `handleRequest(req: IncomingMessage, ...)`
 * is left alone). A session's requests come from one client, so the latest
 * peer stands for the transport.
 */
export function notePeerAddresses(transport: unknown): void {
  if (transport === null || typeof transport !== 'object') return;
  const t = transport as NodeTransportLike;
  const handle = t.handleRequest;
  if (typeof handle !== 'function' || t[PEER] !== undefined) return;
  const peer: NotedPeer = { address: undefined, port: undefined, httpVersion: undefined };
  Object.defineProperty(t, PEER, { value: peer, enumerable: false, configurable: true });
  t.handleRequest = function handleRequestNotingPeer(this: unknown, ...args: unknown[]) {
    const req = args[0] as IncomingMessageLike | null | undefined;
    const address = req?.socket?.remoteAddress;
    if (typeof address === 'string') {
      peer.address = address;
      const port = req?.socket?.remotePort;
      peer.port = typeof port === 'number' ? port : undefined;
    }
    const version = req?.httpVersion;
    // Node reports HTTP/2 as "2.0"; the conventions write "2".
    if (typeof version === 'string') peer.httpVersion = version === '2.0' ? '2' : version;
    return (handle as Fn).apply(this, args);
  };
}

/** The client of a request with this `extra` (1.x) / `ctx` (2.x) on `transport`, if known. */
export function clientPeerOf(extra: unknown, transport: unknown): ClientPeer | undefined {
  const forwarded = forwardedFor(requestHeader(extra, 'forwarded'));
  if (forwarded !== undefined) return forwarded;
  const xff = requestHeader(extra, 'x-forwarded-for')?.split(',')[0]?.trim();
  if (xff) return { address: xff.slice(0, MAX_ADDRESS), port: undefined };
  const noted = (transport as NodeTransportLike | null | undefined)?.[PEER];
  return noted?.address === undefined ? undefined : { address: noted.address, port: noted.port };
}

/** `network.protocol.version` of the HTTP request behind the latest message on `transport`, if known. */
export function httpVersionOf(transport: unknown): string | undefined {
  return (transport as NodeTransportLike | null | undefined)?.[PEER]?.httpVersion;
}

/**
 * A header of the HTTP request behind a message: 1.x passes `requestInfo`
 * (headers as a plain object), 2.x the fetch `Request` itself as `request`.
 */
export function requestHeader(extra: unknown, name: string): string | undefined {
  const e = extra as { requestInfo?: unknown; request?: unknown } | null | undefined;
  const headers = ((e?.requestInfo ?? e?.request) as { headers?: unknown } | null | undefined)
    ?.headers;
  if (headers === null || typeof headers !== 'object') return undefined;
  const v =
    typeof (headers as { get?: unknown }).get === 'function'
      ? (headers as { get(n: string): unknown }).get(name)
      : (headers as Record<string, unknown>)[name];
  if (typeof v === 'string') return v;
  if (Array.isArray(v) && typeof v[0] === 'string') return v[0];
  return undefined;
}

/** The first `for=` of a `Forwarded` header (RFC 7239): its address without quotes or brackets, and its port. */
function forwardedFor(value: string | undefined): ClientPeer | undefined {
  if (value === undefined) return undefined;
  const first = value.split(',')[0] ?? '';
  for (const pair of first.split(';')) {
    const eq = pair.indexOf('=');
    if (eq < 0 || pair.slice(0, eq).trim().toLowerCase() !== 'for') continue;
    let node = pair
      .slice(eq + 1)
      .trim()
      .replace(/^"(.*)"$/, '$1');
    // `[v6]:port`, `v4:port`, or a bare address (a bare IPv6 address has several colons).
    let port: string | undefined;
    const close = node.indexOf(']');
    if (node.startsWith('[')) {
      if (close > 0 && node[close + 1] === ':') port = node.slice(close + 2);
      node = node.slice(1, close > 0 ? close : undefined);
    } else if (node.indexOf(':') === node.lastIndexOf(':')) {
      const colon = node.indexOf(':');
      if (colon >= 0) {
        port = node.slice(colon + 1);
        node = node.slice(0, colon);
      }
    }
    // "unknown" and obfuscated identifiers ("_hidden") name no address.
    if (node === '' || node === 'unknown' || node.startsWith('_')) return undefined;
    // An obfuscated port ("_p1") is no port.
    const n = port !== undefined && /^\d{1,5}$/.test(port) ? Number(port) : undefined;
    return {
      address: node.slice(0, MAX_ADDRESS),
      port: n !== undefined && n <= 65535 ? n : undefined,
    };
  }
  return undefined;
}
