import { networkTransportOf } from '../labels.js';

/** Where a sender's transport leads: network attributes for spans and the `server.address` label. */
export interface Peer {
  readonly networkTransport: string | undefined;
  /** Host of the server URL (HTTP transports only); a label, bounded by the URLs the app connects to. */
  readonly serverAddress: string | undefined;
  readonly serverPort: number | undefined;
  readonly protocolName: string | undefined;
}

const NONE: Peer = Object.freeze({
  networkTransport: undefined,
  serverAddress: undefined,
  serverPort: undefined,
  protocolName: undefined,
});

/*
 * The SDKs' HTTP client transports (Streamable HTTP and SSE, both generations)
 * keep the server URL in `_url`, those of `@ai-sdk/mcp` in `url`; stdio and
 * in-memory transports have none.
 */
export function peerOf(transport: unknown): Peer {
  if (transport === null || typeof transport !== 'object') return NONE;
  const t = transport as { _url?: unknown; url?: unknown };
  const url = t._url ?? t.url;
  if (url instanceof URL) {
    const port = url.port !== '' ? Number(url.port) : url.protocol === 'https:' ? 443 : 80;
    return Object.freeze({
      networkTransport: 'tcp',
      serverAddress: url.hostname.replace(/^\[(.*)\]$/, '$1'),
      serverPort: port,
      protocolName: 'http',
    });
  }
  const networkTransport = networkTransportOf(transport, false);
  return networkTransport === undefined ? NONE : Object.freeze({ ...NONE, networkTransport });
}
