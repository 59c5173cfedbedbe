// Every export here is public API of @mcpmeter/node.
export { ConfigurationError } from './errors.js';
export { register } from './sdk.js';
export type {
  MetricsExporterName,
  MetricsOptions,
  MetricsRequestHandler,
  OtlpProtocol,
  PrometheusOptions,
  RegisterHandle,
  RegisterOptions,
  TracesExporterName,
  TracesOptions,
} from './types.js';
export {
  FastHistograms,
  type FastHistogramSpec,
  type FastHistogramsOptions,
  type FastMeterProvider,
} from './fast-histograms.js';
export { mergingScopes } from './scope-merge.js';
export { SEMCONV_HISTOGRAMS } from './views.js';
