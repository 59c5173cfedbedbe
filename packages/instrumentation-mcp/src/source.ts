import type { Tracer } from '@opentelemetry/api';
import type { ContentCapture } from '../content.js';
import type { ServerInstruments } from './instruments.js';

/**
 * Where an instrumented server gets its telemetry. The manual API gives a fixed
 * source; `McpInstrumentation` gives one whose getters follow enable/disable and
 * provider changes, so servers instrumented earlier see them too.
 */
export interface TelemetrySource {
  readonly enabled: boolean;
  readonly tracer: Tracer;
  readonly instruments: ServerInstruments;
  readonly content: ContentCapture;
  readonly toolNames: readonly string[];
}
