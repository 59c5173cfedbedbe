import { context } from '@opentelemetry/api';
import { errorClassName } from '@mcpmeter/core';
import { instrumentProtocol } from '../protocol/hook.js';
import type { McpServerLike, ServerState } from '../protocol/inbound.js';
import type { TelemetrySource } from '../source.js';
import { activeCallOf, type ActiveCall } from '../tool-context.js';

const MCP_HOOKED = Symbol.for('mcpmeter.instrumentation-mcp.mcp-server');

/**
 * Instruments an `McpServer` (idempotent): its protocol instance, plus hooks on
 * the tool pipeline that tell a handler's exception and a refused call (unknown
 * tool, invalid arguments) apart — both SDK generations turn them into
 * `isError` results.
 */
export function instrumentMcp(
  mcp: McpServerLike,
  source: TelemetrySource,
): ServerState | undefined {
  const state = instrumentProtocol(mcp.server, source);
  if (state === undefined) return undefined;
  state.owner ??= mcp;
  const target = mcp as unknown as Record<string | symbol, unknown>;
  if (target[MCP_HOOKED] === true) return state;
  Object.defineProperty(mcp, MCP_HOOKED, { value: true, enumerable: false, configurable: true });
  hookHandlerStep(target, state);
  hookOutputStep(target, state);
  return state;
}

/*
 * The call is found by the request id in the handler's extra argument (1.x
 * `extra.requestId`, 2.x `ctx.mcpReq.id`), so this works without a context
 * manager and without entering one; the OTel context (which carries the call
 * only while tool-scoped metrics are in use) is the fallback.
 */
function callOf(extra: unknown, state: ServerState): ActiveCall | undefined {
  const e = extra as { requestId?: unknown; mcpReq?: { id?: unknown } } | null | undefined;
  const id = e?.requestId ?? e?.mcpReq?.id;
  return (id !== undefined ? state.pending.get(id) : undefined) ?? activeCallOf(context.active());
}

/*
 * `executeToolHandler(tool, args, extra)`: marks that the tool's own handler ran
 * and keeps what it returned. Nothing waits on that promise here: only a call
 * that ends in an `isError` result looks at it (ServerState.endToolError), so a
 * successful call pays no promise reaction.
 */
function hookHandlerStep(target: Record<string | symbol, unknown>, state: ServerState): void {
  const original = target.executeToolHandler;
  if (typeof original !== 'function') return;
  target.executeToolHandler = function instrumentedExecuteToolHandler(this: unknown) {
    // `arguments`, not a rest parameter: no array per call.
    // eslint-disable-next-line prefer-rest-params
    const args = arguments;
    const call = callOf(args[args.length - 1], state);
    if (call === undefined) return Reflect.apply(original, this, args) as unknown;
    call.handlerRan = true;
    let result: unknown;
    try {
      result = Reflect.apply(original, this, args);
    } catch (err) {
      call.thrown ??= errorClassName(err);
      throw err;
    }
    call.handlerResult = result;
    return result;
  };
}

/*
 * `validateToolOutput(tool, result, name)`: an output that does not match the
 * tool's schema throws, and the SDK turns that into an `isError` result too.
 * Without an output schema it returns at once and cannot throw: not hooked then.
 */
function hookOutputStep(target: Record<string | symbol, unknown>, state: ServerState): void {
  const original = target.validateToolOutput;
  if (typeof original !== 'function') return;
  target.validateToolOutput = function instrumentedValidateToolOutput(this: unknown) {
    // eslint-disable-next-line prefer-rest-params
    const args = arguments;
    const tool = args[0] as { outputSchema?: unknown } | null | undefined;
    const output: unknown = args[1];
    if (tool?.outputSchema == null || output === null || typeof output !== 'object') {
      return Reflect.apply(original, this, args) as unknown;
    }
    // The output is the very object the handler step resolved to: the call
    // finds its failure by it when it ends (no request id among these arguments).
    const noteThrown = (err: unknown): never => {
      state.outputFailures.set(output, errorClassName(err));
      throw err;
    };
    let result: unknown;
    try {
      result = Reflect.apply(original, this, args);
    } catch (err) {
      noteThrown(err);
    }
    // The SDK awaits this promise and sees the very same rejection.
    return result instanceof Promise ? result.then(undefined, noteThrown) : result;
  };
}
