import {
  GEN_AI_CHUNK_BUCKETS,
  GEN_AI_DURATION_BUCKETS,
  GEN_AI_TOKEN_BUCKETS,
  MCP_DURATION_BUCKETS,
  semconv,
} from '@mcpmeter/core';
import { AggregationType, type ViewOptions } from '@opentelemetry/sdk-metrics';

const histogram = (
  instrumentName: string,
  boundaries: readonly number[],
  cardinalityLimit: number,
): ViewOptions => ({
  instrumentName,
  aggregation: {
    type: AggregationType.EXPLICIT_BUCKET_HISTOGRAM,
    options: { boundaries: [...boundaries] },
  },
  aggregationCardinalityLimit: cardinalityLimit,
});

/**
 * The second- and token-based histograms of the conventions mcpmeter records,
 * with their semconv bucket boundaries.
 */
export const SEMCONV_HISTOGRAMS: readonly { name: string; boundaries: readonly number[] }[] = [
  { name: semconv.METRIC_MCP_SERVER_OPERATION_DURATION, boundaries: MCP_DURATION_BUCKETS },
  { name: semconv.METRIC_MCP_SERVER_SESSION_DURATION, boundaries: MCP_DURATION_BUCKETS },
  { name: semconv.METRIC_MCP_CLIENT_OPERATION_DURATION, boundaries: MCP_DURATION_BUCKETS },
  { name: semconv.METRIC_MCP_CLIENT_SESSION_DURATION, boundaries: MCP_DURATION_BUCKETS },
  { name: semconv.METRIC_GEN_AI_CLIENT_OPERATION_DURATION, boundaries: GEN_AI_DURATION_BUCKETS },
  {
    name: semconv.METRIC_GEN_AI_CLIENT_OPERATION_TIME_TO_FIRST_CHUNK,
    boundaries: GEN_AI_DURATION_BUCKETS,
  },
  {
    name: semconv.METRIC_GEN_AI_CLIENT_OPERATION_TIME_PER_OUTPUT_CHUNK,
    boundaries: GEN_AI_CHUNK_BUCKETS,
  },
  { name: semconv.METRIC_GEN_AI_CLIENT_TOKEN_USAGE, boundaries: GEN_AI_TOKEN_BUCKETS },
];

/**
 * Semconv bucket boundaries for the histograms above, for emitters of the same
 * conventions that do not pass them as advice (mcpmeter's own instrumentations
 * do; with fast histograms on, theirs never reach the SDK).
 */
export function bucketViews(cardinalityLimit: number): ViewOptions[] {
  return SEMCONV_HISTOGRAMS.map((h) => histogram(h.name, h.boundaries, cardinalityLimit));
}
