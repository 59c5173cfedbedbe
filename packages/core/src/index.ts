// Every export here is public API of @mcpmeter/core.
export { AttributeSetCache } from './attribute-cache.js';
export { BoundedValues, OTHER, type BoundedValuesOptions } from './bounded.js';
export {
  GEN_AI_CHUNK_BUCKETS,
  GEN_AI_DURATION_BUCKETS,
  GEN_AI_TOKEN_BUCKETS,
  MCP_DURATION_BUCKETS,
  SECONDS_BUCKETS,
} from './buckets.js';
export { callHook, describeError, errorClassName, safeExecute, warnOnce } from './safe.js';
export { endSpanSafely, startSpanSafely } from './safe-span.js';
export {
  MCP_SERVER_ACTIVE_REQUESTS,
  MCP_SERVER_ACTIVE_SESSIONS,
  MCP_SERVER_OPERATION_KEYS,
  MCP_SERVER_SESSION_KEYS,
  mcpDurationHistogram,
  mcpServerHistograms,
} from './mcp-server-metrics.js';
export * as semconv from './semconv.js';
export {
  ATTR_MCP_TOOL_CHANGE_KIND,
  ATTR_MCP_TOOL_HASH,
  MAX_CATALOG_TOOLS,
  ToolCatalogInstruments,
  canonicalArguments,
  diffCatalogs,
  shortHash,
  snapshotOf,
  toolFingerprint,
  type CatalogChange,
  type CatalogChangeKind,
  type CatalogSnapshot,
} from './tool-catalog.js';
export {
  wrapMeterProvider,
  type MeterOverrides,
  type MeterScope,
  type WrappedMeterProvider,
} from './meter-wrapper.js';
export {
  ExemplarStore,
  InstrumentExemplars,
  hashAttributes,
  withExemplars,
  type Exemplar,
  type ExemplarMeterProvider,
  type ExemplarSlots,
  type ExemplarStoreOptions,
} from './exemplars.js';
export { markToolContextNeeded, toolContextFlag, toolNameOf, withToolName } from './tool-scope.js';
