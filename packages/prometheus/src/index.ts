// Every export here is public API of @mcpmeter/prometheus.
export { createAuthCheck, type AuthCheck, type MetricsAuth } from './auth.js';
export { attributeValueText, escapeHelp, escapeLabelValue, formatValue } from './format.js';
export {
  sanitizeLabelName,
  sanitizeMetricName,
  specNames,
  unitSuffix,
  type FamilyNames,
  type PromType,
} from './naming.js';
export {
  CONTENT_TYPE_OPENMETRICS,
  CONTENT_TYPE_TEXT,
  negotiateFormat,
  type ExpositionFormat,
} from './negotiation.js';
export {
  createMetricsHandler,
  type MetricsHandlerOptions,
  type NodeMetricsHandler,
} from './node-handler.js';
export { serializeOtelJs } from './otel-js.js';
export { PrometheusReader, type PrometheusReaderOptions, type ScrapeResult } from './reader.js';
export { exemplarText, serializeOpenMetrics, serializeText } from './serializer.js';
export {
  serveMetrics,
  startMetricsServer,
  type MetricsServer,
  type MetricsServerOptions,
} from './server.js';
export type { Serialization, SerializerOptions } from './types.js';
export {
  createFetchMetricsHandler,
  createHonoMetricsHandler,
  type FetchMetricsHandler,
  type HonoLikeContext,
} from './web-handler.js';
export { ExemplarStore, withExemplars, type ExemplarMeterProvider } from '@mcpmeter/core';
