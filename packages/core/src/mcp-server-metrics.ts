import type { Histogram, Meter } from '@opentelemetry/api';
import { MCP_DURATION_BUCKETS } from './buckets.js';
import {
  ATTR_ERROR_TYPE,
  ATTR_GEN_AI_OPERATION_NAME,
  ATTR_GEN_AI_PROMPT_NAME,
  ATTR_GEN_AI_TOOL_NAME,
  ATTR_MCP_METHOD_NAME,
  ATTR_MCP_PROTOCOL_VERSION,
  ATTR_NETWORK_TRANSPORT,
  METRIC_MCP_SERVER_ACTIVE_REQUESTS,
  METRIC_MCP_SERVER_ACTIVE_SESSIONS,
  METRIC_MCP_SERVER_OPERATION_DURATION,
  METRIC_MCP_SERVER_SESSION_DURATION,
} from './semconv.js';

/*
 * The MCP server metrics as the dashboards and alerts read them: names,
 * descriptions, units, buckets and label keys, in one place for the in-process
 * instrumentation (@mcpmeter/instrumentation-mcp) and the wire (mcpmeter wrap /
 * proxy), so the two cannot drift apart.
 */

/** Label keys of `mcp.server.operation.duration`, in AttributeSetCache order. */
export const MCP_SERVER_OPERATION_KEYS = [
  ATTR_MCP_METHOD_NAME,
  ATTR_GEN_AI_TOOL_NAME,
  ATTR_GEN_AI_PROMPT_NAME,
  ATTR_ERROR_TYPE,
  ATTR_GEN_AI_OPERATION_NAME,
  ATTR_MCP_PROTOCOL_VERSION,
  ATTR_NETWORK_TRANSPORT,
] as const;

/** Label keys of `mcp.server.session.duration`. */
export const MCP_SERVER_SESSION_KEYS = [
  ATTR_ERROR_TYPE,
  ATTR_MCP_PROTOCOL_VERSION,
  ATTR_NETWORK_TRANSPORT,
] as const;

/** The two gauges (observable up-down counters; not in semconv). */
export const MCP_SERVER_ACTIVE_REQUESTS = {
  name: METRIC_MCP_SERVER_ACTIVE_REQUESTS,
  description: 'MCP requests being handled by the server now (not in semconv).',
  unit: '{request}',
} as const;
export const MCP_SERVER_ACTIVE_SESSIONS = {
  name: METRIC_MCP_SERVER_ACTIVE_SESSIONS,
  description: 'MCP sessions open on the server now (not in semconv).',
  unit: '{session}',
} as const;

/** An MCP duration histogram in seconds with the semconv bucket boundaries as advice. */
export function mcpDurationHistogram(meter: Meter, name: string, description: string): Histogram {
  return meter.createHistogram(name, {
    description,
    unit: 's',
    advice: { explicitBucketBoundaries: [...MCP_DURATION_BUCKETS] },
  });
}

/** `mcp.server.operation.duration` and `mcp.server.session.duration` on `meter`. */
export function mcpServerHistograms(meter: Meter): {
  duration: Histogram;
  sessionDuration: Histogram;
} {
  return {
    duration: mcpDurationHistogram(
      meter,
      METRIC_MCP_SERVER_OPERATION_DURATION,
      'Duration of MCP requests handled by the server.',
    ),
    sessionDuration: mcpDurationHistogram(
      meter,
      METRIC_MCP_SERVER_SESSION_DURATION,
      'Duration of MCP sessions as seen by the server.',
    ),
  };
}
