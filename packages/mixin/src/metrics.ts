/*
 * Prometheus names of the series the rules and dashboards read (OTel →
 * Prometheus compatibility naming: unit suffixes, `_total` on counters).
 * They follow the OpenTelemetry semantic conventions, so the rules also work
 * for other emitters that use the same conventions.
 */

export const MCP_SERVER_DURATION = 'mcp_server_operation_duration_seconds';
export const MCP_SERVER_SESSION_DURATION = 'mcp_server_session_duration_seconds';
export const MCP_SERVER_ACTIVE_REQUESTS = 'mcp_server_active_requests';
export const MCP_SERVER_ACTIVE_SESSIONS = 'mcp_server_active_sessions';
/** Not in semconv: a tools/call with the same tool and arguments as an earlier one in the session. */
export const MCP_SERVER_TOOL_REPEATS = 'mcp_server_tool_call_repeats_total';

/**
 * The tool catalog (not in semconv): `server` is what a server announces (its own
 * `tools/list` answers, in-process or through `mcpmeter wrap`/`proxy`), `client` what a
 * server announced to an instrumented client (labelled with `server_address`).
 */
export function toolCatalog(side: 'server' | 'client') {
  return {
    /** One series per tool with `mcp_tool_hash`: 1 for the current definition, 0 for a former one. */
    info: `mcp_${side}_tool_catalog_info`,
    bytes: `mcp_${side}_tool_catalog_size_bytes`,
    tokens: `mcp_${side}_tool_catalog_tokens`,
    /** By `mcp_tool_change_kind` (added, removed, changed) and tool, after the first listing. */
    changes: `mcp_${side}_tool_catalog_changes_total`,
  };
}

export const GEN_AI_DURATION = 'gen_ai_client_operation_duration_seconds';
export const GEN_AI_TOKEN_USAGE = 'gen_ai_client_token_usage';
export const GEN_AI_TTFC = 'gen_ai_client_operation_time_to_first_chunk_seconds';
export const GEN_AI_ACTIVE_REQUESTS = 'gen_ai_client_active_requests';
export const GEN_AI_COST = 'gen_ai_client_cost_usd_total';
export const GEN_AI_UNPRICED = 'gen_ai_client_cost_unpriced_total';

/** From @opentelemetry/instrumentation-runtime-node (`nodejs.eventloop.delay.p99`, unit s). */
export const NODE_EVENTLOOP_DELAY_P99 = 'nodejs_eventloop_delay_p99_seconds';
/** From @opentelemetry/instrumentation-runtime-node (`v8js.memory.heap.used`, unit By, per heap space). */
export const V8_HEAP_USED = 'v8js_memory_heap_used_bytes';
/** From @mcpmeter/node (`v8js.memory.heap.limit`, unit By, one series per process: the heap size limit). */
export const V8_HEAP_LIMIT = 'v8js_memory_heap_limit_bytes';

/**
 * `input` and `output` are totals (cache and reasoning tokens are breakdowns of
 * them, recorded as their own types): sum only these two for a total.
 */
export const TOTAL_TOKEN_TYPES = 'gen_ai_token_type=~"input|output"';

export const OVERFLOW_MATCHER = 'otel_metric_overflow="true"';

/** Label names (OTel attribute names with dots turned into underscores). */
export const L = {
  method: 'mcp_method_name',
  tool: 'gen_ai_tool_name',
  errorType: 'error_type',
  transport: 'network_transport',
  provider: 'gen_ai_provider_name',
  model: 'gen_ai_request_model',
  tokenType: 'gen_ai_token_type',
  changeKind: 'mcp_tool_change_kind',
  serverAddress: 'server_address',
} as const;

export const TOOLS_CALL = 'tools/call';

/**
 * MCP requests that failed by a fault of the server: any `error_type` except
 * `cancelled` — a request the client cancelled ended by its choice and must not
 * page anyone (it still shows on the error-type panels).
 */
export const MCP_SERVER_FAULT = `${L.errorType}!="",${L.errorType}!="cancelled"`;

/** The tool label of calls naming a tool the server does not have (bounded labels). */
export const UNKNOWN_TOOL = '_OTHER';
/** JSON-RPC "invalid params": unknown tool (SDK 2.x) or arguments that fail the input schema. */
export const INVALID_PARAMS = '-32602';
