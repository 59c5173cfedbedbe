/*
 * `client.address` of a request that came over HTTP. The conventions want the
 * client behind any intermediaries when it is known, so a `Forwarded: for=` or
 * `X-Forwarded-For` header wins; otherwise the peer of the socket the request
 * arrived on, which the SDK does not pass along: the Node transports'
 * `handleRequest(req, res, body)` is hooked to note it. A client can put
 * anything in those headers: the value is bounded and lands on the span only,
 * never on a metric label.
 */

const PEER = Symbol.for('mcpmeter.instrumentation-mcp.peer-address');
const MAX_ADDRESS = 256;

type Fn = (this: unknown, ...args: unknown[]) => unknown;

interface NodeTransportLike {
  handleRequest?: unknown;
  [PEER]?: { address: string | undefined };
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
  const peer: { address: string | undefined } = { address: undefined };
  Object.defineProperty(t, PEER, { value: peer, enumerable: false, configurable: true });
  t.handleRequest = function handleRequestNotingPeer(this: unknown, ...args: unknown[]) {
    const address = (args[0] as { socket?: { remoteAddress?: unknown } } | null | undefined)?.socket
      ?.remoteAddress;
    if (typeof address === 'string') peer.address = address;
    return (handle as Fn).apply(this, args);
  };
}

/** `client.address` for a request with this `extra` (1.x) / `ctx` (2.x) on `transport`, if known. */
export function clientAddressOf(extra: unknown, transport: unknown): string | undefined {
  const forwarded = forwardedFor(requestHeader(extra, 'forwarded'));
  if (forwarded !== undefined) return forwarded;
  const xff = requestHeader(extra, 'x-forwarded-for')?.split(',')[0]?.trim();
  if (xff) return xff.slice(0, MAX_ADDRESS);
  return (transport as NodeTransportLike | null | undefined)?.[PEER]?.address;
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

/** The first `for=` of a `Forwarded` header (RFC 7239), without quotes, brackets or port. */
function forwardedFor(value: string | undefined): string | undefined {
  if (value === undefined) return undefined;
  const first = value.split(',')[0] ?? '';
  for (const pair of first.split(';')) {
    const eq = pair.indexOf('=');
    if (eq < 0 || pair.slice(0, eq).trim().toLowerCase() !== 'for') continue;
    let node = pair
      .slice(eq + 1)
      .trim()
      .replace(/^"(.*)"$/, '$1');
    const close = node.indexOf(']');
    if (node.startsWith('[')) node = node.slice(1, close > 0 ? close : undefined);
    else if (node.indexOf(':') === node.lastIndexOf(':')) node = node.split(':')[0] ?? '';
    // "unknown" and obfuscated identifiers ("_hidden") name no address.
    if (node === '' || node === 'unknown' || node.startsWith('_')) return undefined;
    return node.slice(0, MAX_ADDRESS);
  }
  return undefined;
}
