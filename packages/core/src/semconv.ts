/*
 * Local copies of the semantic-convention names mcpmeter uses.
 *
 * The MCP and GenAI conventions are still "Development" status and live in
 * the incubating entry point of `@opentelemetry/semantic-conventions`, which must never be imported
 * at run time (its names can change or disappear in any minor release). We copy
 * the few we use, as the OpenTelemetry contrib packages do.
 *
 * Source: open-telemetry/semantic-conventions-genai, docs/gen-ai/mcp.md,
 * docs/gen-ai/gen-ai-spans.md and docs/gen-ai/gen-ai-metrics.md.
 */

// --- stable general attributes -------------------------------------------------
/** Describes a class of error the operation ended with (stable). */
export const ATTR_ERROR_TYPE = 'error.type';
/** Server domain name or IP (stable). */
export const ATTR_SERVER_ADDRESS = 'server.address';
/** Server port number (stable). */
export const ATTR_SERVER_PORT = 'server.port';
/** Client address (stable). */
export const ATTR_CLIENT_ADDRESS = 'client.address';
/** Client port (stable). */
export const ATTR_CLIENT_PORT = 'client.port';
/** `tcp`, `quic`, `pipe`, `unix`… (stable). */
export const ATTR_NETWORK_TRANSPORT = 'network.transport';
/** `http`, `websocket`… (stable). */
export const ATTR_NETWORK_PROTOCOL_NAME = 'network.protocol.name';
/** `1.1`, `2`… (stable). */
export const ATTR_NETWORK_PROTOCOL_VERSION = 'network.protocol.version';
/** Fallback value of `error.type` when no custom value applies (stable). */
export const ERROR_TYPE_VALUE_OTHER = '_OTHER';

// --- MCP ------------------------------------------------------------------------
/** The name of the request or notification method. */
export const ATTR_MCP_METHOD_NAME = 'mcp.method.name';
/** Identifies the MCP session. Span attribute only: never a metric label. */
export const ATTR_MCP_SESSION_ID = 'mcp.session.id';
/** The version of the Model Context Protocol used. */
export const ATTR_MCP_PROTOCOL_VERSION = 'mcp.protocol.version';
/** The value of the resource URI. Span attribute only: never a metric label. */
export const ATTR_MCP_RESOURCE_URI = 'mcp.resource.uri';
/** A string representation of the JSON-RPC `id`. Span attribute only. */
export const ATTR_JSONRPC_REQUEST_ID = 'jsonrpc.request.id';
/** JSON-RPC protocol version, recorded when it is not `2.0`. */
export const ATTR_JSONRPC_PROTOCOL_VERSION = 'jsonrpc.protocol.version';
/** The error code from the JSON-RPC response. */
export const ATTR_RPC_RESPONSE_STATUS_CODE = 'rpc.response.status_code';

/** `error.type` for a `CallToolResult` with `isError: true`. */
export const ERROR_TYPE_VALUE_TOOL_ERROR = 'tool_error';

export const METRIC_MCP_SERVER_OPERATION_DURATION = 'mcp.server.operation.duration';
export const METRIC_MCP_SERVER_SESSION_DURATION = 'mcp.server.session.duration';
export const METRIC_MCP_CLIENT_OPERATION_DURATION = 'mcp.client.operation.duration';
export const METRIC_MCP_CLIENT_SESSION_DURATION = 'mcp.client.session.duration';
/** Not in semconv: requests being processed now. */
export const METRIC_MCP_SERVER_ACTIVE_REQUESTS = 'mcp.server.active_requests';
/** Not in semconv: sessions open now. */
export const METRIC_MCP_SERVER_ACTIVE_SESSIONS = 'mcp.server.active_sessions';
/** Not in semconv: requests in flight from a client. */
export const METRIC_MCP_CLIENT_ACTIVE_REQUESTS = 'mcp.client.active_requests';

/**
 * Every method name the MCP specification defines (2025-11-25, plus those 2026-07-28 adds:
 * `server/discover`, `subscriptions/listen`, `notifications/subscriptions/acknowledged`, as in
 * the schemas of `@modelcontextprotocol/core` 2.4), for bounding labels.
 */
export const MCP_METHOD_NAMES: readonly string[] = Object.freeze([
  'completion/complete',
  'elicitation/create',
  'initialize',
  'logging/setLevel',
  'notifications/cancelled',
  'notifications/elicitation/complete',
  'notifications/initialized',
  'notifications/message',
  'notifications/progress',
  'notifications/prompts/list_changed',
  'notifications/resources/list_changed',
  'notifications/resources/updated',
  'notifications/roots/list_changed',
  'notifications/subscriptions/acknowledged',
  'notifications/tasks/status',
  'notifications/tools/list_changed',
  'ping',
  'prompts/get',
  'prompts/list',
  'resources/list',
  'resources/read',
  'resources/subscribe',
  'resources/templates/list',
  'resources/unsubscribe',
  'roots/list',
  'sampling/createMessage',
  'server/discover',
  'subscriptions/listen',
  'tasks/cancel',
  'tasks/get',
  'tasks/list',
  'tasks/result',
  'tools/call',
  'tools/list',
]);

// --- GenAI ----------------------------------------------------------------------
export const ATTR_GEN_AI_OPERATION_NAME = 'gen_ai.operation.name';
export const ATTR_GEN_AI_PROVIDER_NAME = 'gen_ai.provider.name';
export const ATTR_GEN_AI_REQUEST_MODEL = 'gen_ai.request.model';
export const ATTR_GEN_AI_RESPONSE_MODEL = 'gen_ai.response.model';
export const ATTR_GEN_AI_RESPONSE_ID = 'gen_ai.response.id';
export const ATTR_GEN_AI_RESPONSE_FINISH_REASONS = 'gen_ai.response.finish_reasons';
export const ATTR_GEN_AI_TOKEN_TYPE = 'gen_ai.token.type';
export const ATTR_GEN_AI_TOOL_NAME = 'gen_ai.tool.name';
export const ATTR_GEN_AI_TOOL_CALL_ID = 'gen_ai.tool.call.id';
export const ATTR_GEN_AI_TOOL_CALL_ARGUMENTS = 'gen_ai.tool.call.arguments';
export const ATTR_GEN_AI_TOOL_CALL_RESULT = 'gen_ai.tool.call.result';
export const ATTR_GEN_AI_PROMPT_NAME = 'gen_ai.prompt.name';
export const ATTR_GEN_AI_USAGE_INPUT_TOKENS = 'gen_ai.usage.input_tokens';
export const ATTR_GEN_AI_USAGE_OUTPUT_TOKENS = 'gen_ai.usage.output_tokens';
export const ATTR_GEN_AI_USAGE_CACHE_READ_INPUT_TOKENS = 'gen_ai.usage.cache_read.input_tokens';
export const ATTR_GEN_AI_USAGE_CACHE_CREATION_INPUT_TOKENS =
  'gen_ai.usage.cache_creation.input_tokens';
export const ATTR_GEN_AI_USAGE_REASONING_OUTPUT_TOKENS = 'gen_ai.usage.reasoning.output_tokens';
export const ATTR_GEN_AI_INPUT_MESSAGES = 'gen_ai.input.messages';
export const ATTR_GEN_AI_OUTPUT_MESSAGES = 'gen_ai.output.messages';

export const GEN_AI_OPERATION_NAME_VALUE_EXECUTE_TOOL = 'execute_tool';
export const GEN_AI_OPERATION_NAME_VALUE_CHAT = 'chat';
export const GEN_AI_OPERATION_NAME_VALUE_EMBEDDINGS = 'embeddings';
export const GEN_AI_TOKEN_TYPE_VALUE_INPUT = 'input';
export const GEN_AI_TOKEN_TYPE_VALUE_OUTPUT = 'output';

export const METRIC_GEN_AI_CLIENT_OPERATION_DURATION = 'gen_ai.client.operation.duration';
export const METRIC_GEN_AI_CLIENT_TOKEN_USAGE = 'gen_ai.client.token.usage';
export const METRIC_GEN_AI_CLIENT_OPERATION_TIME_TO_FIRST_CHUNK =
  'gen_ai.client.operation.time_to_first_chunk';
export const METRIC_GEN_AI_CLIENT_OPERATION_TIME_PER_OUTPUT_CHUNK =
  'gen_ai.client.operation.time_per_output_chunk';
