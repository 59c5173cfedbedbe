import { trace, type Attributes, type Context } from '@opentelemetry/api';
import { ATTR_GEN_AI_OPERATION_NAME, ATTR_GEN_AI_TOOL_NAME } from './semconv.js';

/*
 * The tool a piece of work runs for (issue 21, cost per tool): an MCP server's
 * tool handler, or an agent's `execute_tool` span. instrumentation-mcp sets it,
 * instrumentation-llm reads it, neither imports the other. The key and the flag
 * live under `Symbol.for` so that every copy of every package (ESM and CJS
 * builds) shares them.
 */

/** OTel context key of the bounded `gen_ai.tool.name` of the tool being executed. */
const TOOL_NAME_KEY = Symbol.for('mcpmeter.context.gen_ai.tool.name');

/** The context `ctx` with the bounded tool name `name` of the tool being executed. */
export function withToolName(ctx: Context, name: string): Context {
  return ctx.setValue(TOOL_NAME_KEY, name);
}

/**
 * The tool the work in `ctx` runs for: the name an MCP tool handler's context
 * carries, else the `gen_ai.tool.name` of an active GenAI `execute_tool` span
 * (attributes readable on OpenTelemetry SDK spans). Not bounded by itself when it
 * comes from a span: the caller bounds it.
 */
export function toolNameOf(ctx: Context): string | undefined {
  const name = ctx.getValue(TOOL_NAME_KEY);
  if (typeof name === 'string') return name;
  const span = trace.getSpan(ctx);
  if (span === undefined || !span.isRecording()) return undefined;
  const attrs = (span as { attributes?: Attributes }).attributes;
  if (attrs === undefined || attrs === null || typeof attrs !== 'object') return undefined;
  if (attrs[ATTR_GEN_AI_OPERATION_NAME] !== 'execute_tool') return undefined;
  const tool = attrs[ATTR_GEN_AI_TOOL_NAME];
  return typeof tool === 'string' ? tool : undefined;
}

/*
 * Entering a context per tool call costs an AsyncLocalStorage switch, so
 * instrumentation-mcp puts the call in the handler's context only when some
 * reader needs it: tool-scoped metrics, or an LLM instrumentation. One flag
 * object per process (the symbol name predates this module).
 */
const FLAG = Symbol.for('mcpmeter.instrumentation-mcp.tool-metrics-flag');
type GlobalWithFlag = typeof globalThis & { [FLAG]?: { inUse: boolean } };

/** The shared flag object: `inUse` is true once a reader of the tool context exists. */
export function toolContextFlag(): { inUse: boolean } {
  return ((globalThis as GlobalWithFlag)[FLAG] ??= { inUse: false });
}

/** Says that some code reads the tool being executed from the context. */
export function markToolContextNeeded(): void {
  toolContextFlag().inUse = true;
}
