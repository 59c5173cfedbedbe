import { createContextKey, type Context } from '@opentelemetry/api';
import { toolContextFlag, withToolName } from '@mcpmeter/core';

/*
 * The request being handled travels in the OTel context, so code running
 * inside a tool handler (tool-scoped metrics, the McpServer hooks that tell a
 * thrown error from a validation failure) finds it without arguments.
 */

/** What a tool handler's context knows about the call it is serving. */
export interface ActiveCall {
  /** Bounded `gen_ai.tool.name` label value, or undefined outside tools/call. */
  readonly toolLabel: string | undefined;
  /** Set by the McpServer hooks. */
  handlerRan: boolean;
  /** The class name of an exception from the tool pipeline, once known. */
  thrown: string | undefined;
  /**
   * What the handler step returned (both SDK generations: a promise). Looked at
   * only when the call ends in an `isError` result, to tell the handler's
   * exception from its own error result: no promise reaction on the success path.
   */
  handlerResult: unknown;
}

const ACTIVE_CALL = createContextKey('mcpmeter.instrumentation-mcp.active-call');

/** Also names the tool for readers in other packages (an LLM call's cost per tool, issue 21). */
export function withActiveCall(ctx: Context, call: ActiveCall): Context {
  const named = call.toolLabel === undefined ? ctx : withToolName(ctx, call.toolLabel);
  return named.setValue(ACTIVE_CALL, call);
}

export function activeCallOf(ctx: Context): ActiveCall | undefined {
  return ctx.getValue(ACTIVE_CALL) as ActiveCall | undefined;
}

/*
 * One flag object per process, shared by every copy of every package (ESM and
 * CJS builds) through a global symbol, set also by instrumentation-llm; each
 * copy keeps a reference to it, so the per-request check is a plain property
 * read, not a lookup on globalThis.
 */
const flag = toolContextFlag();

/** Marks that some code created tool-scoped instruments (they read the call from the context). */
export function markToolMetricsInUse(): void {
  flag.inUse = true;
}

export function toolMetricsInUse(): boolean {
  return flag.inUse;
}
