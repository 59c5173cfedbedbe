import { BoundedValues, OTHER, semconv } from '@mcpmeter/core';

/** The methods the MCP specification defines. */
export const SPEC_METHODS: ReadonlySet<string> = new Set(semconv.MCP_METHOD_NAMES);

/** MCP methods defined by the specification, plus `_OTHER` for anything a peer invents. */
export function createMethodLabels(): BoundedValues {
  return new BoundedValues(semconv.MCP_METHOD_NAMES, {
    maxValues: semconv.MCP_METHOD_NAMES.length + 8,
  });
}

/*
 * Protocol versions published by the specification. A client chooses the
 * version it asks for (and, on stateless HTTP, the `mcp-protocol-version`
 * header), so labels take only these values, plus whatever version a server
 * itself answered in an `initialize` result; anything else becomes `_OTHER`.
 */
const KNOWN_PROTOCOL_VERSIONS = [
  '2024-11-05',
  '2025-03-26',
  '2025-06-18',
  '2025-11-25',
  '2026-07-28',
];

export function createProtocolVersionLabels(): BoundedValues {
  return new BoundedValues(KNOWN_PROTOCOL_VERSIONS, { maxValues: 32, maxLength: 32 });
}

/**
 * `network.transport` for an SDK transport: `pipe` for stdio, `tcp` for HTTP
 * (Streamable HTTP and SSE), undefined when there is no network (in-memory).
 */
export function networkTransportOf(
  transport: unknown,
  hasHttpRequest: boolean,
): string | undefined {
  if (hasHttpRequest) return 'tcp';
  if (transport === null || typeof transport !== 'object') return undefined;
  const name = (transport as { constructor?: { name?: unknown } }).constructor?.name;
  if (typeof name !== 'string') return undefined;
  if (/stdio/i.test(name)) return 'pipe';
  if (/http|sse/i.test(name)) return 'tcp';
  return undefined;
}

/**
 * A Streamable HTTP server transport made without sessions
 * (`sessionIdGenerator: undefined`): SDK 2.x's and 1.x's web-standard transport
 * directly, SDK 1.x's Node transport through the one it wraps.
 */
export function isSessionless(transport: unknown): boolean {
  if (transport === null || typeof transport !== 'object') return false;
  const inner = (transport as { _webStandardTransport?: unknown })._webStandardTransport;
  const t = (inner !== null && typeof inner === 'object' ? inner : transport) as {
    sessionIdGenerator?: unknown;
  };
  return Object.hasOwn(t, 'sessionIdGenerator') && t.sessionIdGenerator === undefined;
}

export { OTHER };

/** Requests whose `params.uri` names a resource: `mcp.resource.uri` on their spans. */
const RESOURCE_METHODS: ReadonlySet<string> = new Set([
  'resources/read',
  'resources/subscribe',
  'resources/unsubscribe',
]);
const MAX_URI = 2048;

/** `mcp.resource.uri` of a request (spans only: a URI is unbounded, never a label). */
export function resourceUriOf(method: unknown, params: unknown): string | undefined {
  if (typeof method !== 'string' || !RESOURCE_METHODS.has(method)) return undefined;
  const uri = (params as { uri?: unknown } | null | undefined)?.uri;
  return typeof uri === 'string' ? uri.slice(0, MAX_URI) : undefined;
}
