import {
  findMetric,
  setupTelemetry,
  sumOf,
  countOf,
  type TestTelemetry,
} from '../../../test-utils/otel.js';
import { startFakeUpstream, type FakeUpstream } from '../../../test-utils/llm-upstream.js';
import type { MetricData } from '@opentelemetry/sdk-metrics';

export const TOKENS = 'gen_ai.client.token.usage';
export const DURATION = 'gen_ai.client.operation.duration';
export const TTFC = 'gen_ai.client.operation.time_to_first_chunk';
export const TPOC = 'gen_ai.client.operation.time_per_output_chunk';
export const ACTIVE = 'gen_ai.client.active_requests';
export const COST = 'gen_ai.client.cost.usd';
export const UNPRICED = 'gen_ai.client.cost.unpriced';

export interface Harness {
  otel: TestTelemetry;
  upstream: FakeUpstream;
  metrics(): Promise<MetricData[]>;
  close(): Promise<void>;
}

export async function startHarness(): Promise<Harness> {
  const otel = setupTelemetry();
  const upstream = await startFakeUpstream();
  return {
    otel,
    upstream,
    metrics: () => otel.collect(),
    async close() {
      await upstream.close();
      await otel.shutdown();
    },
  };
}

/** Sum of token histogram values of one token type. */
export function tokens(
  all: MetricData[],
  type: string,
  filter: Record<string, string> = {},
): number {
  return sumOf(findMetric(all, TOKENS), { 'gen_ai.token.type': type, ...filter });
}

export function costUsd(all: MetricData[], filter: Record<string, string> = {}): number {
  return sumOf(findMetric(all, COST), filter);
}

export function count(
  all: MetricData[],
  name: string,
  filter: Record<string, string> = {},
): number {
  return countOf(findMetric(all, name), filter);
}

export { findMetric, sumOf, countOf };

/** Distinct values of a label on one metric. */
export function labelValuesOf(all: MetricData[], name: string, key: string): Set<unknown> {
  return new Set((findMetric(all, name)?.dataPoints ?? []).map((p) => p.attributes[key]));
}
