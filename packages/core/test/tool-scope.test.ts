import { ROOT_CONTEXT, trace } from '@opentelemetry/api';
import { describe, expect, it } from 'vitest';
import { markToolContextNeeded, toolContextFlag, toolNameOf, withToolName } from '../src/index.js';

describe('tool scope in the OTel context', () => {
  it('carries a tool name under a key every copy of the package shares', () => {
    const ctx = withToolName(ROOT_CONTEXT, 'summarize');
    expect(toolNameOf(ctx)).toBe('summarize');
    expect(ctx.getValue(Symbol.for('mcpmeter.context.gen_ai.tool.name'))).toBe('summarize');
    expect(toolNameOf(ROOT_CONTEXT)).toBeUndefined();
  });

  it('reads an execute_tool span only when no name is set, and not a non-recording one', () => {
    const span = trace.wrapSpanContext({
      traceId: '4bf92f3577b34da6a3ce929d0e0e4736',
      spanId: '00f067aa0ba902b7',
      traceFlags: 1,
    });
    expect(toolNameOf(trace.setSpan(ROOT_CONTEXT, span))).toBeUndefined();
    const recording = Object.assign(Object.create(span) as object, {
      isRecording: () => true,
      attributes: { 'gen_ai.operation.name': 'execute_tool', 'gen_ai.tool.name': 'web_search' },
    }) as unknown as typeof span;
    const ctx = trace.setSpan(ROOT_CONTEXT, recording);
    expect(toolNameOf(ctx)).toBe('web_search');
    expect(toolNameOf(withToolName(ctx, 'inner'))).toBe('inner');
  });

  it('shares one flag object through Symbol.for', () => {
    markToolContextNeeded();
    expect(toolContextFlag().inUse).toBe(true);
    const g = globalThis as Record<symbol, unknown>;
    expect(g[Symbol.for('mcpmeter.instrumentation-mcp.tool-metrics-flag')]).toBe(toolContextFlag());
  });
});
