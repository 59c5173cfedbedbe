import {
  context,
  metrics,
  type Attributes,
  type Meter,
  type MeterProvider,
  type MetricOptions,
} from '@opentelemetry/api';
import { safeExecute, semconv } from '@mcpmeter/core';
import { activeCallOf, markToolMetricsInUse } from './tool-context.js';
import { PACKAGE_NAME, PACKAGE_VERSION } from './version.js';

/** A counter whose data points carry the current tool's `gen_ai.tool.name`. */
export interface ToolCounter {
  add(value: number, attributes?: Attributes): void;
}
/** An up-down counter whose data points carry the current tool's `gen_ai.tool.name`. */
export interface ToolUpDownCounter {
  add(value: number, attributes?: Attributes): void;
}
/** A histogram whose data points carry the current tool's `gen_ai.tool.name`. */
export interface ToolHistogram {
  record(value: number, attributes?: Attributes): void;
}
/** A gauge whose data points carry the current tool's `gen_ai.tool.name`. */
export interface ToolGauge {
  record(value: number, attributes?: Attributes): void;
}

/** Factory of tool-scoped instruments; see {@link toolMetrics}. */
export interface ToolMetrics {
  counter(name: string, options?: MetricOptions): ToolCounter;
  upDownCounter(name: string, options?: MetricOptions): ToolUpDownCounter;
  histogram(name: string, options?: MetricOptions): ToolHistogram;
  gauge(name: string, options?: MetricOptions): ToolGauge;
}

/** Options of {@link toolMetrics}. */
export interface ToolMetricsOptions {
  /** Meter provider for the instruments. @default the global meter provider, looked up at each record */
  meterProvider?: MeterProvider;
  /** Meter (instrumentation scope) name. @default '@mcpmeter/instrumentation-mcp' */
  meterName?: string;
}

type Kind = 'counter' | 'upDownCounter' | 'histogram' | 'gauge';
interface Recorder {
  add?(value: number, attributes?: Attributes): void;
  record?(value: number, attributes?: Attributes): void;
}

/*
 * One frozen attribute set per tool label: a record with no attributes of its
 * own allocates nothing. Tool labels are already bounded by the server.
 */
const toolAttrs = new Map<string, Attributes>();
function attributesFor(extra: Attributes | undefined): Attributes | undefined {
  const tool = activeCallOf(context.active())?.toolLabel;
  if (tool === undefined) return extra;
  if (extra === undefined) {
    let attrs = toolAttrs.get(tool);
    if (attrs === undefined) {
      attrs = Object.freeze({ [semconv.ATTR_GEN_AI_TOOL_NAME]: tool });
      toolAttrs.set(tool, attrs);
    }
    return attrs;
  }
  return { ...extra, [semconv.ATTR_GEN_AI_TOOL_NAME]: tool };
}

/**
 * The "metrics registry" of a tool author: instruments created here, recorded
 * inside an MCP tool handler, carry that tool's `gen_ai.tool.name` (the same
 * bounded value as on `mcp.server.operation.duration`) without passing anything
 * around. Outside a tool call they record without it. Create the instruments
 * once (module scope is fine: the meter is looked up lazily, so they work even
 * when created before the OpenTelemetry SDK is registered).
 *
 * @example
 * const claws = toolMetrics().histogram('claw.sharpness.level', { unit: '{level}' });
 * server.registerTool('sharpen_claw', { inputSchema: { times: z.number() } }, async ({ times }) => {
 *   const level = sharpen(times);
 *   claws.record(level); // carries gen_ai.tool.name="sharpen_claw"
 *   return { content: [{ type: 'text', text: `level ${level}` }] };
 * });
 */
export function toolMetrics(options: ToolMetricsOptions = {}): ToolMetrics {
  markToolMetricsInUse();
  const meterName = options.meterName ?? PACKAGE_NAME;
  const make = (kind: Kind, name: string, opts?: MetricOptions) => {
    let provider: MeterProvider | undefined;
    let instrument: Recorder | undefined;
    const resolve = (): Recorder => {
      const current = options.meterProvider ?? metrics.getMeterProvider();
      if (instrument === undefined || current !== provider) {
        provider = current;
        const meter: Meter = current.getMeter(meterName, PACKAGE_VERSION);
        instrument =
          kind === 'counter'
            ? meter.createCounter(name, opts)
            : kind === 'upDownCounter'
              ? meter.createUpDownCounter(name, opts)
              : kind === 'histogram'
                ? meter.createHistogram(name, opts)
                : meter.createGauge(name, opts);
      }
      return instrument;
    };
    return {
      add: (value: number, attributes?: Attributes) => {
        safeExecute(() => resolve().add?.(value, attributesFor(attributes)), `tool metric ${name}`);
      },
      record: (value: number, attributes?: Attributes) => {
        safeExecute(
          () => resolve().record?.(value, attributesFor(attributes)),
          `tool metric ${name}`,
        );
      },
    };
  };
  return {
    counter: (name, opts) => {
      const { add } = make('counter', name, opts);
      return { add };
    },
    upDownCounter: (name, opts) => {
      const { add } = make('upDownCounter', name, opts);
      return { add };
    },
    histogram: (name, opts) => {
      const { record } = make('histogram', name, opts);
      return { record };
    },
    gauge: (name, opts) => {
      const { record } = make('gauge', name, opts);
      return { record };
    },
  };
}
