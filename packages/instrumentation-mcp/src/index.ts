// Every export here is public API of @mcpmeter/instrumentation-mcp.
export { McpInstrumentation } from './instrumentation.js';
export { instrumentMcpClient } from './client/instrument-client.js';
export { instrumentMcpServer } from './server/instrument-server.js';
export {
  toolMetrics,
  type ToolCounter,
  type ToolGauge,
  type ToolHistogram,
  type ToolMetrics,
  type ToolMetricsOptions,
  type ToolUpDownCounter,
} from './tool-metrics.js';
export { ENV_CAPTURE_CONTENT } from './content.js';
export { ENV_MCP_TOOLS } from './tool-names.js';
export {
  ERROR_TYPE_CANCELLED,
  ERROR_TYPE_CONNECTION_CLOSED,
  ERROR_TYPE_TIMEOUT,
} from './errors.js';
export type {
  ContentKind,
  ContentRedactor,
  McpClientInstrumentationConfig,
  McpClientTelemetryOptions,
  McpInstrumentationConfig,
  McpServerInstrumentationConfig,
  McpServerTelemetryOptions,
} from './types.js';
export { PACKAGE_NAME, PACKAGE_VERSION } from './version.js';
