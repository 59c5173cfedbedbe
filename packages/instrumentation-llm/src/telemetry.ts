import {
  metrics,
  trace,
  type Attributes,
  type Counter,
  type Histogram,
  type Meter,
  type Tracer,
} from '@opentelemetry/api';
import {
  AttributeSetCache,
  BoundedValues,
  GEN_AI_CHUNK_BUCKETS,
  GEN_AI_DURATION_BUCKETS,
  GEN_AI_TOKEN_BUCKETS,
  markToolContextNeeded,
  semconv,
} from '@mcpmeter/core';
import { contentPolicy, type ContentPolicy } from './content.js';
import { sharedSums, type Sums } from './observed-sums.js';
import { Pricer } from './pricer.js';
import {
  ATTR_MCPMETER_PRICE_SOURCE,
  ATTR_MCPMETER_TOKENS_ESTIMATED,
  METRIC_GEN_AI_CLIENT_COST_UNPRICED,
  METRIC_GEN_AI_CLIENT_COST_USD,
  METRIC_MCPMETER_LLM_UNPARSED,
  SEMCONV_OPT_IN_CACHE_CREATION_DUP,
} from './semconv.js';
import type { LlmEndpoint, LlmTelemetryOptions } from './types.js';
import { PACKAGE_NAME, PACKAGE_VERSION } from './version.js';

const {
  ATTR_ERROR_TYPE,
  ATTR_GEN_AI_OPERATION_NAME,
  ATTR_GEN_AI_PROVIDER_NAME,
  ATTR_GEN_AI_REQUEST_MODEL,
  ATTR_GEN_AI_RESPONSE_MODEL,
  ATTR_GEN_AI_TOKEN_TYPE,
  ATTR_GEN_AI_TOOL_NAME,
  ATTR_SERVER_ADDRESS,
} = semconv;

export interface Instruments {
  duration: Histogram;
  tokens: Histogram;
  timeToFirstChunk: Histogram;
  timePerChunk: Histogram;
  active: Sums;
  cost: Counter;
  unpriced: Counter;
  unparsed: Counter;
}

function createInstruments(meter: Meter): Instruments {
  return {
    duration: meter.createHistogram(semconv.METRIC_GEN_AI_CLIENT_OPERATION_DURATION, {
      description: 'GenAI operation duration.',
      unit: 's',
      advice: { explicitBucketBoundaries: [...GEN_AI_DURATION_BUCKETS] },
    }),
    tokens: meter.createHistogram(semconv.METRIC_GEN_AI_CLIENT_TOKEN_USAGE, {
      description: 'Number of input and output tokens used, with cache and reasoning breakdowns.',
      unit: '{token}',
      advice: { explicitBucketBoundaries: [...GEN_AI_TOKEN_BUCKETS] },
    }),
    timeToFirstChunk: meter.createHistogram(
      semconv.METRIC_GEN_AI_CLIENT_OPERATION_TIME_TO_FIRST_CHUNK,
      {
        description: 'Time to receive the first chunk of a streamed response.',
        unit: 's',
        advice: { explicitBucketBoundaries: [...GEN_AI_DURATION_BUCKETS] },
      },
    ),
    timePerChunk: meter.createHistogram(
      semconv.METRIC_GEN_AI_CLIENT_OPERATION_TIME_PER_OUTPUT_CHUNK,
      {
        description: 'Time between consecutive chunks of a streamed response, after the first.',
        unit: 's',
        advice: { explicitBucketBoundaries: [...GEN_AI_CHUNK_BUCKETS] },
      },
    ),
    ...sharedSums(meter),
    // A Counter of the SDK, not observed sums: an add inside a sampled span carries an exemplar
    // (register()'s Prometheus exposition), linking a cost series to the call's trace.
    cost: meter.createCounter(METRIC_GEN_AI_CLIENT_COST_USD, {
      description: 'Cost of GenAI operations in US dollars, by cost part (not in semconv).',
      unit: '{USD}',
    }),
    unpriced: meter.createCounter(METRIC_GEN_AI_CLIENT_COST_UNPRICED, {
      description: 'GenAI operations with token usage but no known price (not in semconv).',
      unit: '{request}',
    }),
    unparsed: meter.createCounter(METRIC_MCPMETER_LLM_UNPARSED, {
      description:
        'Calls to a recognised LLM endpoint whose request or response body could not be read (not in semconv).',
      unit: '{request}',
    }),
  };
}

/**
 * Everything one configuration of the instrumentation shares across calls:
 * instruments, cached attribute sets, bounded label values, the pricer.
 * State lives on this instance (never module-level): dual ESM/CJS builds may
 * load the package twice.
 */
export class LlmTelemetry {
  readonly pricer: Pricer;
  readonly content: ContentPolicy | undefined;
  readonly options: LlmTelemetryOptions;
  readonly endpoints: readonly LlmEndpoint[];
  private readonly models: BoundedValues;
  private readonly modelsFixed: boolean;
  private readonly servers = new BoundedValues([], { maxValues: 50 });
  /**
   * Tools an LLM call ran inside (issue 21, "$ per tool call"): an MCP server's
   * tool (already bounded by its registrations) or an agent's `execute_tool`
   * span (named by the agent's code, or by a model's invention): first come.
   */
  private readonly tools = new BoundedValues([], { maxValues: 100 });
  readonly warnedUnpriced = new Set<string>();
  /** OTEL_SEMCONV_STABILITY_OPT_IN asks for the previous cache-write attribute name as well. */
  readonly cacheCreationDup: boolean;

  readonly operationAttrs = new AttributeSetCache([
    ATTR_GEN_AI_OPERATION_NAME,
    ATTR_GEN_AI_PROVIDER_NAME,
    ATTR_GEN_AI_REQUEST_MODEL,
    ATTR_GEN_AI_RESPONSE_MODEL,
    ATTR_SERVER_ADDRESS,
    ATTR_ERROR_TYPE,
  ]);
  readonly tokenAttrs = new AttributeSetCache([
    ATTR_GEN_AI_OPERATION_NAME,
    ATTR_GEN_AI_PROVIDER_NAME,
    ATTR_GEN_AI_REQUEST_MODEL,
    ATTR_GEN_AI_RESPONSE_MODEL,
    ATTR_SERVER_ADDRESS,
    ATTR_GEN_AI_TOKEN_TYPE,
    ATTR_MCPMETER_TOKENS_ESTIMATED,
    ATTR_GEN_AI_TOOL_NAME,
  ]);
  readonly activeAttrs = new AttributeSetCache([
    ATTR_GEN_AI_OPERATION_NAME,
    ATTR_GEN_AI_PROVIDER_NAME,
    ATTR_GEN_AI_REQUEST_MODEL,
    ATTR_SERVER_ADDRESS,
  ]);
  readonly costAttrs = new AttributeSetCache([
    ATTR_GEN_AI_PROVIDER_NAME,
    ATTR_GEN_AI_REQUEST_MODEL,
    ATTR_GEN_AI_TOKEN_TYPE,
    ATTR_MCPMETER_PRICE_SOURCE,
    ATTR_GEN_AI_TOOL_NAME,
  ]);
  readonly unpricedAttrs = new AttributeSetCache([
    ATTR_GEN_AI_PROVIDER_NAME,
    ATTR_GEN_AI_REQUEST_MODEL,
  ]);

  private meterSource: (() => Meter) | undefined;
  private lastMeter: Meter | undefined;
  private inst: Instruments | undefined;
  /** The global MeterProvider the instruments were made from (no meter given). */
  private lastProvider: unknown;
  private readonly endpointsByUrl = new Map<string, LlmEndpoint | undefined>();

  /**
   * @param tracer where spans come from (InstrumentationBase's tracer, or the global one)
   * @param meter a fixed meter; when omitted the global MeterProvider is asked on each
   *   operation, so manual instrumentation done before `register()` still reports.
   */
  constructor(
    options: LlmTelemetryOptions,
    private readonly tracerSource: () => Tracer = globalTracer(),
    meter?: Meter,
  ) {
    this.options = options;
    // The MCP instrumentation puts the tool in a handler's context only when a reader exists.
    markToolContextNeeded();
    this.cacheCreationDup = (process.env.OTEL_SEMCONV_STABILITY_OPT_IN ?? '')
      .split(',')
      .some((v) => v.trim() === SEMCONV_OPT_IN_CACHE_CREATION_DUP);
    this.endpoints = (options.endpoints ?? []).filter((e) => typeof e?.baseURL === 'string');
    this.pricer = new Pricer(options);
    this.content = contentPolicy(options.captureContent);
    this.modelsFixed = options.models !== undefined;
    this.models = new BoundedValues(options.models ?? [], {
      maxValues: this.modelsFixed
        ? Math.max(1, options.models?.length ?? 1)
        : (options.maxModels ?? 50),
    });
    if (meter !== undefined) this.setMeter(meter);
    else this.meterSource = () => metrics.getMeter(PACKAGE_NAME, PACKAGE_VERSION);
  }

  setMeter(meter: Meter): void {
    this.meterSource = undefined;
    this.lastMeter = meter;
    this.inst = createInstruments(meter);
  }

  get tracer(): Tracer {
    return this.tracerSource();
  }

  get instruments(): Instruments {
    if (this.meterSource !== undefined) {
      // Asking the global provider for the meter on every call costs a key string and a lookup.
      const provider = metrics.getMeterProvider();
      if (provider === this.lastProvider && this.inst !== undefined) return this.inst;
      this.lastProvider = provider;
      const meter = this.meterSource();
      if (meter !== this.lastMeter || this.inst === undefined) {
        this.lastMeter = meter;
        this.inst = createInstruments(meter);
      }
    }
    return this.inst as Instruments;
  }

  private lastSeries: CallSeries | undefined;

  /**
   * The attribute sets of one call's series. Consecutive calls mostly repeat
   * them (one model, one server), so the last set is kept and reused: a call
   * then looks its token and cost attributes up in a small map by type instead
   * of walking the 8-level caches once per record.
   */
  seriesOf(
    operation: string,
    provider: string,
    requestModel: string | undefined,
    responseModel: string | undefined,
    server: string | undefined,
    tool: string | undefined,
  ): CallSeries {
    const l = this.lastSeries;
    if (
      l !== undefined &&
      l.operation === operation &&
      l.provider === provider &&
      l.requestModel === requestModel &&
      l.responseModel === responseModel &&
      l.server === server &&
      l.tool === tool
    )
      return l;
    return (this.lastSeries = new CallSeries(
      this,
      operation,
      provider,
      requestModel,
      responseModel,
      server,
      tool,
    ));
  }

  /** A model name as a bounded label value. */
  modelLabel(model: string | undefined): string | undefined {
    if (model === undefined) return undefined;
    if (!this.modelsFixed) this.models.add(model);
    return this.models.get(model);
  }

  /** The `gen_ai.tool.name` label of a tool an LLM call ran inside. */
  toolLabel(tool: string | undefined): string | undefined {
    if (tool === undefined) return undefined;
    this.tools.add(tool);
    return this.tools.get(tool);
  }

  serverLabel(address: string | undefined): string | undefined {
    if (address === undefined) return undefined;
    this.servers.add(address);
    return this.servers.get(address);
  }

  /** The configured endpoint whose base URL prefixes `url`. */
  endpointFor(url: string): LlmEndpoint | undefined {
    if (this.endpointsByUrl.has(url)) return this.endpointsByUrl.get(url);
    const found = this.findEndpoint(url);
    if (this.endpointsByUrl.size < 100) this.endpointsByUrl.set(url, found);
    return found;
  }

  private findEndpoint(url: string): LlmEndpoint | undefined {
    let best: LlmEndpoint | undefined;
    for (const e of this.endpoints) {
      const base = e.baseURL.replace(/\/+$/, '');
      if (
        (url === base || url.startsWith(base + '/')) &&
        (best === undefined || best.baseURL.length < e.baseURL.length)
      ) {
        best = e;
      }
    }
    return best;
  }
}

/**
 * The global tracer, asked again only when the global TracerProvider's delegate
 * changes (`getTracer` builds a key string and looks it up on every call).
 */
function globalTracer(): () => Tracer {
  let delegate: unknown;
  let tracer: Tracer | undefined;
  return () => {
    const provider = trace.getTracerProvider() as { getDelegate?: () => unknown };
    const current = typeof provider.getDelegate === 'function' ? provider.getDelegate() : provider;
    if (tracer === undefined || current !== delegate) {
      delegate = current;
      tracer = trace.getTracer(PACKAGE_NAME, PACKAGE_VERSION);
    }
    return tracer;
  };
}

/** The attribute sets of calls with one operation, provider, models, server and tool (label values, bounded). */
export class CallSeries {
  private readonly tokenSets = new Map<string, Attributes>();
  private readonly costSets = new Map<string, Attributes>();

  constructor(
    private readonly t: LlmTelemetry,
    readonly operation: string,
    readonly provider: string,
    readonly requestModel: string | undefined,
    readonly responseModel: string | undefined,
    readonly server: string | undefined,
    readonly tool: string | undefined,
  ) {}

  tokens(type: string, estimated: boolean): Attributes {
    const key = estimated ? `${type}\u0000e` : type;
    let attrs = this.tokenSets.get(key);
    if (attrs === undefined) {
      attrs = this.t.tokenAttrs.get(
        this.operation,
        this.provider,
        this.requestModel,
        this.responseModel,
        this.server,
        type,
        estimated ? 'true' : undefined,
        this.tool,
      );
      this.tokenSets.set(key, attrs);
    }
    return attrs;
  }

  cost(type: string, source: string): Attributes {
    const key = `${type}\u0000${source}`;
    let attrs = this.costSets.get(key);
    if (attrs === undefined) {
      attrs = this.t.costAttrs.get(this.provider, this.requestModel, type, source, this.tool);
      this.costSets.set(key, attrs);
    }
    return attrs;
  }
}
