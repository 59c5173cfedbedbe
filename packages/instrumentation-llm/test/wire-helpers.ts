import { calcPrice, extractUsage, findProvider } from '@pydantic/genai-prices';
import type { ReadableSpan } from '@opentelemetry/sdk-trace';
import { LlmInstrumentation, type LlmInstrumentationConfig } from '../src/index.js';
import { setupTelemetry, type TestTelemetry } from '../../../test-utils/otel.js';
import type { MetricData } from '@opentelemetry/sdk-metrics';

export const SCOPE = '@mcpmeter/instrumentation-llm';

export interface WireHarness {
  otel: TestTelemetry;
  inst: LlmInstrumentation;
  metrics(): Promise<MetricData[]>;
  /** CLIENT spans of this package. */
  spans(): ReadableSpan[];
  close(): Promise<void>;
}

/** The zero-code path in process: LlmInstrumentation enabled, wire capture on, SDK providers registered. */
export function startWireHarness(config: LlmInstrumentationConfig = {}): WireHarness {
  const otel = setupTelemetry();
  const inst = new LlmInstrumentation({ ...config, enabled: false });
  inst.setTracerProvider(otel.tracerProvider);
  inst.setMeterProvider(otel.meterProvider);
  inst.enable();
  return {
    otel,
    inst,
    metrics: () => otel.collect(),
    spans: () => otel.finishedSpans().filter((s) => s.instrumentationScope.name === SCOPE),
    async close() {
      inst.disable();
      await otel.shutdown();
    },
  };
}

/**
 * genai-prices' own price of a response: its extractor reads the usage object
 * exactly as the upstream sent it, then calcPrice — no code of ours involved.
 */
export function expectedCost(
  providerId: string,
  model: string,
  response: Record<string, unknown>,
  flavor?: string,
): number {
  const provider = findProvider({ providerId });
  if (provider === undefined) throw new Error(`no provider ${providerId}`);
  const { usage } = extractUsage(provider, response, flavor);
  const price = calcPrice(usage, model, { providerId });
  if (price === null) throw new Error(`no price for ${model} at ${providerId}`);
  return price.total_price;
}

/** Waits until `n` spans of this package ended (a stream's span ends after the app read its last byte). */
export async function spansSettled(
  h: WireHarness,
  n: number,
  ms = 10_000,
): Promise<ReadableSpan[]> {
  const until = Date.now() + ms;
  while (h.spans().length < n && Date.now() < until) await new Promise((r) => setTimeout(r, 10));
  return h.spans();
}
