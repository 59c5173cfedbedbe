import { trace, type Attributes, type Context, type Span } from '@opentelemetry/api';
import { semconv } from '@mcpmeter/core';

/*
 * The conventions: when an agent framework already made a GenAI `execute_tool`
 * span for this tool call, the MCP client adds its attributes to that span
 * instead of stacking a second span for the same operation.
 *
 * Detection: the active span is recording and its attributes (readable on
 * OpenTelemetry SDK spans, `ReadableSpan.attributes`) say
 * `gen_ai.operation.name = execute_tool`, name no other tool in
 * `gen_ai.tool.name`, and carry no `mcp.method.name` yet: that excludes an MCP
 * server's own `tools/call` span (a tool handler calling another MCP server
 * gets a CLIENT span of its own) and a span already used by an earlier call.
 */
export function activeExecuteToolSpan(ctx: Context, toolName: unknown): Span | undefined {
  const span = trace.getSpan(ctx);
  if (span === undefined || !span.isRecording()) return undefined;
  const attrs = (span as { attributes?: Attributes }).attributes;
  if (attrs === undefined || attrs === null || typeof attrs !== 'object') return undefined;
  if (
    attrs[semconv.ATTR_GEN_AI_OPERATION_NAME] !== semconv.GEN_AI_OPERATION_NAME_VALUE_EXECUTE_TOOL
  ) {
    return undefined;
  }
  if (attrs[semconv.ATTR_MCP_METHOD_NAME] !== undefined) return undefined;
  const named = attrs[semconv.ATTR_GEN_AI_TOOL_NAME];
  if (named !== undefined && named !== toolName) return undefined;
  return span;
}
