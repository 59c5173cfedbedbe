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
 * Semconv bucket boundaries for the second- and token-based histograms mcpmeter
 * and other emitters of the same conventions record. Instrumentations also pass
 * them as advice; the views make them hold for emitters that do not.
 */
export function bucketViews(cardinalityLimit: number): ViewOptions[] {
  return [
    histogram(semconv.METRIC_MCP_SERVER_OPERATION_DURATION, MCP_DURATION_BUCKETS, cardinalityLimit),
    histogram(semconv.METRIC_MCP_SERVER_SESSION_DURATION, MCP_DURATION_BUCKETS, cardinalityLimit),
    histogram(semconv.METRIC_MCP_CLIENT_OPERATION_DURATION, MCP_DURATION_BUCKETS, cardinalityLimit),
    histogram(semconv.METRIC_MCP_CLIENT_SESSION_DURATION, MCP_DURATION_BUCKETS, cardinalityLimit),
    histogram(
      semconv.METRIC_GEN_AI_CLIENT_OPERATION_DURATION,
      GEN_AI_DURATION_BUCKETS,
      cardinalityLimit,
    ),
    histogram(
      semconv.METRIC_GEN_AI_CLIENT_OPERATION_TIME_TO_FIRST_CHUNK,
      GEN_AI_DURATION_BUCKETS,
      cardinalityLimit,
    ),
    histogram(
      semconv.METRIC_GEN_AI_CLIENT_OPERATION_TIME_PER_OUTPUT_CHUNK,
      GEN_AI_CHUNK_BUCKETS,
      cardinalityLimit,
    ),
    histogram(semconv.METRIC_GEN_AI_CLIENT_TOKEN_USAGE, GEN_AI_TOKEN_BUCKETS, cardinalityLimit),
  ];
}
