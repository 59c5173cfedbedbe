import type { ExemplarStore } from '@mcpmeter/core';

/** Options shared by the serializers and `PrometheusReader`. */
export interface SerializerOptions {
  /**
   * `'prometheus'`: names per the OpenTelemetry→Prometheus compatibility spec
   * (`mcp_server_operation_duration_seconds`). `'otel-js'`: byte-for-byte the
   * text output of `@opentelemetry/exporter-prometheus` (no unit suffixes).
   * @default 'prometheus'
   */
  naming?: 'prometheus' | 'otel-js';
  /** A prefix joined to every metric name with `_`. @default '' */
  prefix?: string;
  /** Leave out the `otel_scope_name` / `otel_scope_version` labels. @default false */
  withoutScopeInfo?: boolean;
  /** Leave out the `target_info` metric (resource attributes). @default false */
  withoutTargetInfo?: boolean;
  /**
   * Resource attributes promoted to labels on every sample: a list of attribute
   * names or a pattern (`/^service\./`).
   * @default undefined (none)
   */
  resourceConstantLabels?: RegExp | readonly string[];
  /** Append each sample's timestamp. @default false */
  appendTimestamp?: boolean;
  /** Exemplars to attach in OpenMetrics output (the store given to `withExemplars`). @default undefined */
  exemplars?: ExemplarStore;
}

/** A serialization that can run in steps, so a caller can yield between them. */
export interface Serialization {
  /** Works until done or until `performance.now()` passes `deadline`; true when done. */
  step(deadline: number): boolean;
  result(): string;
  /** The UTF-8 bytes of the result, in pieces (lone surrogates become U+FFFD). */
  chunks(): Buffer[];
}
