/*
 * Explicit bucket boundaries the semantic conventions advise. OTel's default
 * boundaries (0, 5, 10, 25 … 10000) are meant for milliseconds and put every
 * second-based observation in the first two buckets.
 */

/** MCP operation and session durations, in seconds (semconv `mcp.*.duration`). */
export const MCP_DURATION_BUCKETS: readonly number[] = Object.freeze([
  0.01, 0.02, 0.05, 0.1, 0.2, 0.5, 1, 2, 5, 10, 30, 60, 120, 300,
]);

/** `gen_ai.client.operation.duration` and time to first chunk, in seconds. */
export const GEN_AI_DURATION_BUCKETS: readonly number[] = Object.freeze([
  0.01, 0.02, 0.04, 0.08, 0.16, 0.32, 0.64, 1.28, 2.56, 5.12, 10.24, 20.48, 40.96, 81.92,
]);

/** `gen_ai.client.operation.time_per_output_chunk`, in seconds. */
export const GEN_AI_CHUNK_BUCKETS: readonly number[] = Object.freeze([
  0.01, 0.025, 0.05, 0.075, 0.1, 0.15, 0.2, 0.3, 0.4, 0.5, 0.75, 1, 2.5,
]);

/** `gen_ai.client.token.usage`, in tokens. */
export const GEN_AI_TOKEN_BUCKETS: readonly number[] = Object.freeze([
  1, 4, 16, 64, 256, 1024, 4096, 16384, 65536, 262144, 1048576, 4194304, 16777216, 67108864,
]);

/**
 * Generic second-based buckets for any histogram with unit `s` that has no
 * advice of its own (HTTP semconv boundaries, extended to five minutes).
 */
export const SECONDS_BUCKETS: readonly number[] = Object.freeze([
  0.005, 0.01, 0.025, 0.05, 0.075, 0.1, 0.25, 0.5, 0.75, 1, 2.5, 5, 7.5, 10, 30, 60, 120, 300,
]);
