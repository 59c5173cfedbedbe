import type { Span } from '@opentelemetry/api';
import { OTHER, semconv } from '@mcpmeter/core';
import { captureValue, type ContentCapture } from '../content.js';
import { SPEC_METHODS, resourceUriOf } from '../labels.js';
import { clientPeerOf, httpVersionOf } from './client-address.js';

const MAX_NAME = 256;

/**
 * The attributes a recording server span gets beyond its start attributes
 * (the series' bounded labels): what only this request carries, the raw
 * names the labels bounded, and for HTTP the client and protocol version.
 * Spans only: none of these ever becomes a metric label.
 */
export function describeServerSpan(
  span: Span,
  request: { id: unknown; method: unknown; params?: unknown },
  transport: unknown,
  extra: unknown,
  /** Streamable HTTP or SSE (`network.transport` is `tcp`). */
  http: boolean,
  content: ContentCapture,
  /** The bounded tool or prompt label. */
  target: string | undefined,
): void {
  const id = request.id;
  if (typeof id === 'string' || typeof id === 'number') {
    span.setAttribute(semconv.ATTR_JSONRPC_REQUEST_ID, String(id));
  }
  const sessionId = (transport as { sessionId?: unknown } | undefined)?.sessionId;
  if (typeof sessionId === 'string') span.setAttribute(semconv.ATTR_MCP_SESSION_ID, sessionId);
  if (http) {
    span.setAttribute(semconv.ATTR_NETWORK_PROTOCOL_NAME, 'http');
    const version = httpVersionOf(transport);
    if (version !== undefined) span.setAttribute(semconv.ATTR_NETWORK_PROTOCOL_VERSION, version);
    const client = clientPeerOf(extra, transport);
    if (client !== undefined) {
      span.setAttribute(semconv.ATTR_CLIENT_ADDRESS, client.address);
      if (client.port !== undefined) span.setAttribute(semconv.ATTR_CLIENT_PORT, client.port);
    }
  }
  const method = request.method;
  const params = request.params as { name?: unknown; arguments?: unknown } | undefined;
  const uri = resourceUriOf(method, params);
  if (uri !== undefined) span.setAttribute(semconv.ATTR_MCP_RESOURCE_URI, uri);
  if (typeof method === 'string' && !SPEC_METHODS.has(method)) {
    span.setAttribute(semconv.ATTR_MCP_METHOD_NAME, method.slice(0, MAX_NAME));
  }
  const rawName = params?.name;
  // The span keeps the name the client sent; only metric labels are bounded.
  if (target === OTHER && typeof rawName === 'string') {
    const key =
      method === 'tools/call' ? semconv.ATTR_GEN_AI_TOOL_NAME : semconv.ATTR_GEN_AI_PROMPT_NAME;
    span.setAttribute(key, rawName.slice(0, MAX_NAME));
  }
  if (method === 'tools/call' && content.enabled) {
    const text = captureValue(
      content,
      'tool.arguments',
      params?.arguments ?? {},
      typeof rawName === 'string' ? rawName : '',
    );
    if (text !== undefined) span.setAttribute(semconv.ATTR_GEN_AI_TOOL_CALL_ARGUMENTS, text);
  }
}
