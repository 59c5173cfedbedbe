import { diag } from '@opentelemetry/api';
import {
  AggregationTemporality,
  MetricReader,
  type MetricReaderOptions,
  type ResourceMetrics,
} from '@opentelemetry/sdk-metrics';
import { describeError } from '@mcpmeter/core';
import { contentTypeOf, negotiateFormat, type ExpositionFormat } from './negotiation.js';
import { OtelJsSerialization } from './otel-js.js';
import { SpecSerialization, SpecSerializerState, wellFormed } from './serializer.js';
import type { SerializerOptions } from './types.js';

export interface PrometheusReaderOptions extends SerializerOptions {
  /**
   * Longest stretch of serialization work, in milliseconds, before yielding to
   * the event loop, so a large scrape does not stall the host.
   * @default 5
   */
  sliceMs?: number;
  /** Passed to `MetricReader`. @default the SDK's default aggregation */
  aggregationSelector?: MetricReaderOptions['aggregationSelector'];
  /** Passed to `MetricReader`: cardinality limit per instrument type. @default the SDK's (2000) */
  cardinalitySelector?: MetricReaderOptions['cardinalitySelector'];
  /** Passed to `MetricReader`: extra producers (e.g. OpenCensus bridges). @default [] */
  metricProducers?: MetricReaderOptions['metricProducers'];
}

/** One scrape's answer. */
export interface ScrapeResult {
  format: ExpositionFormat;
  contentType: string;
  /** The exposition as UTF-8, in pieces (write them in order; do not modify them). */
  chunks: readonly Buffer[];
  byteLength: number;
  /** The exposition as one string (joins the pieces; convenient, not free). */
  text(): string;
}

interface Body {
  /** Flat strings, complete lines each; written as UTF-8. */
  pieces: string[];
  byteLength: number;
  /** `pieces` as UTF-8, made when someone asks for `chunks`. */
  buffers?: Buffer[];
}

/** The body behind each result handed out, for the package's own handlers. */
const bodies = new WeakMap<ScrapeResult, Body>();

/**
 * The exposition of `result` as strings to write in order (UTF-8, `byteLength`
 * bytes in all). The package's handlers write these: the text stays in the V8
 * heap, and only the piece being written is copied out of it.
 * @internal
 */
export function piecesOf(result: ScrapeResult): readonly string[] {
  return bodies.get(result)?.pieces ?? result.chunks.map((c) => c.toString('utf8'));
}

interface Round {
  collected: Promise<ResourceMetrics>;
  bodies: Map<ExpositionFormat, Promise<Body>>;
  pending: number;
}

/**
 * A pull `MetricReader` that serves Prometheus text 0.0.4 or OpenMetrics 1.0.
 * Scrapes that arrive while one is in progress share its collection.
 *
 * @example
 * const reader = new PrometheusReader();
 * const meterProvider = new MeterProvider({ readers: [reader] });
 * const server = await startMetricsServer(reader); // http://localhost:9464/metrics
 */
export class PrometheusReader extends MetricReader {
  private readonly options: PrometheusReaderOptions;
  private readonly state: SpecSerializerState;
  private round: Round | undefined;

  constructor(options: PrometheusReaderOptions = {}) {
    super({
      aggregationTemporalitySelector: () => AggregationTemporality.CUMULATIVE,
      aggregationSelector: options.aggregationSelector,
      cardinalitySelector: options.cardinalitySelector,
      metricProducers: options.metricProducers,
    });
    this.options = { ...options };
    this.state = new SpecSerializerState(this.options);
  }

  /**
   * Collects (or joins a collection in progress) and serializes for `accept`
   * (an HTTP `Accept` header or a format name). Rejects when collection fails.
   */
  async scrape(accept?: string): Promise<ScrapeResult> {
    // The official exporter only ever served text 0.0.4; 'otel-js' naming keeps that.
    const format: ExpositionFormat =
      this.options.naming === 'otel-js'
        ? 'text'
        : accept === 'openmetrics' || accept === 'text'
          ? accept
          : negotiateFormat(accept);
    let round = this.round;
    if (round === undefined) {
      round = { collected: this.collectOnce(), bodies: new Map(), pending: 0 };
      this.round = round;
    }
    let body = round.bodies.get(format);
    if (body === undefined) {
      const r = round;
      body = r.collected.then((rm) => this.serialize(rm, format));
      r.bodies.set(format, body);
      r.pending++;
      const settle = (): void => {
        if (--r.pending === 0 && this.round === r) this.round = undefined;
      };
      body.then(settle, settle);
    }
    const b = await body;
    const result: ScrapeResult = {
      format,
      contentType: contentTypeOf(format),
      get chunks() {
        return (b.buffers ??= b.pieces.map((p) => Buffer.from(p, 'utf8')));
      },
      byteLength: b.byteLength,
      text: () => wellFormed(b.pieces.join('')),
    };
    bodies.set(result, b);
    return result;
  }

  private async collectOnce(): Promise<ResourceMetrics> {
    const { resourceMetrics, errors } = await this.collect();
    for (const err of errors)
      diag.error(`mcpmeter: metric collection reported an error: ${describeError(err)}`);
    return resourceMetrics;
  }

  private async serialize(rm: ResourceMetrics, format: ExpositionFormat): Promise<Body> {
    const s =
      this.options.naming === 'otel-js'
        ? new OtelJsSerialization(rm, this.options)
        : new SpecSerialization(rm, format === 'openmetrics', this.state);
    const slice = Math.max(1, this.options.sliceMs ?? 5);
    while (!s.step(performance.now() + slice)) {
      await new Promise<void>((resolve) => setImmediate(resolve));
    }
    return { pieces: s.pieces(), byteLength: s.byteLength() };
  }

  protected override onShutdown(): Promise<void> {
    return Promise.resolve();
  }

  protected override onForceFlush(): Promise<void> {
    return Promise.resolve();
  }
}
