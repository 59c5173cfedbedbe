import type { MeterProvider, TracerProvider } from '@opentelemetry/api';
import type { InstrumentationConfig } from '@opentelemetry/instrumentation';

/** Which piece of content a {@link ContentRedactor} is asked about. */
export type ContentKind = 'tool.arguments' | 'tool.result';

/**
 * Called before captured content is put on a span. Return the value to record
 * (a redacted copy, or the value itself), or `undefined` to record nothing.
 * Exceptions are logged through `diag` and the content is dropped.
 *
 * @example
 * redactContent: (kind, value) => (kind === 'tool.arguments' ? { ...value, password: '***' } : value)
 */
export type ContentRedactor = (kind: ContentKind, value: unknown, toolName: string) => unknown;

/** Options shared by {@link instrumentMcpServer} and {@link McpInstrumentation}. */
export interface McpServerTelemetryOptions {
  /**
   * Record tool-call arguments and results on spans as `gen_ai.tool.call.arguments`
   * and `gen_ai.tool.call.result` (JSON). Content is never put on metrics.
   * The environment variable `MCPMETER_CAPTURE_CONTENT=true` turns it on when
   * this option is not given.
   * @default false
   */
  captureContent?: boolean;
  /**
   * Longest captured value, in UTF-16 code units of its JSON text; longer values
   * are cut and end with `…[truncated]`.
   * @default 8192
   */
  maxContentLength?: number;
  /** Redaction hook applied to every captured value before it is recorded. @default undefined */
  redactContent?: ContentRedactor;
  /**
   * Extra tool names allowed as `gen_ai.tool.name` metric label values, for a
   * low-level `Server` whose tools the instrumentation cannot see before a
   * client lists them. Tools registered on an `McpServer`, and the names a
   * server returns from `tools/list`, are allowed automatically.
   * @default []
   */
  toolNames?: readonly string[];
}

/** Options of the client side, shared by {@link instrumentMcpClient} and {@link McpInstrumentation}. */
export interface McpClientTelemetryOptions {
  /**
   * When a `tools/call` is sent while a GenAI `execute_tool` span of an agent
   * framework is active (and names the same tool, or none, and no MCP call yet),
   * add the MCP attributes to that span instead of starting a CLIENT span under
   * it, as the MCP semantic conventions advise. Trace context sent to the server
   * is then that span's. Set to false to always start a CLIENT span.
   * @default true
   */
  reuseExecuteToolSpan?: boolean;
  /**
   * Extra tool names allowed as `gen_ai.tool.name` label values on the client's
   * metrics, before the client has listed the server's tools (names from
   * `tools/list` results are allowed automatically; others become `_OTHER`).
   * @default []
   */
  toolNames?: readonly string[];
}

/** Options of {@link instrumentMcpClient}. */
export interface McpClientInstrumentationConfig extends McpClientTelemetryOptions {
  /** Tracer provider to use. @default the global tracer provider */
  tracerProvider?: TracerProvider;
  /** Meter provider to use. @default the global meter provider */
  meterProvider?: MeterProvider;
}

/** Options of {@link instrumentMcpServer}. */
export interface McpServerInstrumentationConfig extends McpServerTelemetryOptions {
  /** Tracer provider to use. @default the global tracer provider */
  tracerProvider?: TracerProvider;
  /** Meter provider to use. @default the global meter provider */
  meterProvider?: MeterProvider;
}

/** Options of {@link McpInstrumentation}. */
export interface McpInstrumentationConfig
  extends InstrumentationConfig, McpServerTelemetryOptions, McpClientTelemetryOptions {
  /**
   * Patch `Client` of `@modelcontextprotocol/sdk` 1.x and `@modelcontextprotocol/client`
   * 2.x too (CLIENT spans, `mcp.client.*` metrics, trace context in `params._meta`).
   * @default true
   */
  instrumentClients?: boolean;
  /**
   * When enabled, look once at the entry script (`process.argv[1]`) for MCP
   * packages a bundler copied into it (zero-code cannot patch those) and say so
   * in one `mcpmeter:` line on stderr.
   * @default true
   */
  checkBundle?: boolean;
}
