import { diag } from '@opentelemetry/api';
import { ExportResultCode, type ExportResult } from '@opentelemetry/core';
import {
  BatchSpanProcessor,
  ConsoleSpanExporter,
  type ReadableSpan,
  type SpanExporter,
  type SpanProcessor,
} from '@opentelemetry/sdk-trace';
import { connect } from 'node:net';
import type { ResolvedConfig } from './config.js';
import { ConfigurationError } from './errors.js';
import { LastChanceExport } from './exit-export.js';
import { lazyOtlpSpanExporter } from './lazy-exporters.js';
import type { TracesOptions } from './types.js';

/**
 * Wraps an exporter so that a collector that is down produces one clear stderr
 * line per outage (not one per batch), and a recovery is reported too.
 */
export class ReportingSpanExporter implements SpanExporter {
  private failing = false;
  constructor(
    private readonly inner: SpanExporter,
    private readonly where: string,
  ) {}

  export(spans: ReadableSpan[], done: (result: ExportResult) => void): void {
    try {
      this.inner.export(spans, (result) => {
        if (result.code === ExportResultCode.SUCCESS) {
          if (this.failing) diag.info(`mcpmeter: spans reach ${this.where} again.`);
          this.failing = false;
        } else if (!this.failing) {
          this.failing = true;
          diag.error(
            `mcpmeter: cannot export spans to ${this.where} (${result.error?.message ?? 'export failed'}). Start a collector there (Jaeger: OTLP/HTTP on port 4318), set OTEL_EXPORTER_OTLP_ENDPOINT to yours, or set OTEL_TRACES_EXPORTER=none. Spans are dropped until it answers; the app is unaffected. See docs/troubleshooting.md#spans-do-not-reach-the-collector`,
          );
        }
        // Failures were reported above; hand the SDK a result without the error so
        // its global handler does not print one line per batch.
        done(result.code === ExportResultCode.SUCCESS ? result : { code: ExportResultCode.FAILED });
      });
    } catch (err) {
      diag.error(`mcpmeter: span exporter threw: ${(err as Error)?.message}`);
      done({ code: ExportResultCode.FAILED });
    }
  }

  shutdown(): Promise<void> {
    return this.inner.shutdown();
  }

  forceFlush(): Promise<void> {
    return this.inner.forceFlush?.() ?? Promise.resolve();
  }
}

export function createSpanProcessors(
  config: ResolvedConfig,
  options: TracesOptions | undefined,
): SpanProcessor[] {
  if (options?.spanExporter) {
    return [
      new BatchSpanProcessor({
        exporter: new ReportingSpanExporter(options.spanExporter, 'your traces.spanExporter'),
      }),
    ];
  }
  switch (config.tracesExporter) {
    case 'none':
      return [];
    case 'console':
      // ConsoleSpanExporter prints with console.dir (stdout); send it to stderr.
      return [new BatchSpanProcessor({ exporter: new StderrConsoleSpanExporter() })];
    case 'otlp': {
      const opts = { url: config.otlpTracesEndpoint, headers: config.otlpHeaders };
      const inner = lazyOtlpSpanExporter(config.otlpProtocol, opts);
      // issue 17: what an exit hook's process.exit() would lose is sent synchronously at 'exit'.
      const lastChance = new LastChanceExport(config.otlpTracesEndpoint, config.otlpHeaders);
      return [
        lastChance.wrap(
          new BatchSpanProcessor({
            exporter: lastChance.track(new ReportingSpanExporter(inner, config.otlpTracesEndpoint)),
          }),
        ),
      ];
    }
  }
}

class StderrConsoleSpanExporter extends ConsoleSpanExporter {
  override export(spans: ReadableSpan[], done: (result: ExportResult) => void): void {
    for (const span of spans) {
      try {
        process.stderr.write(
          JSON.stringify({
            traceId: span.spanContext().traceId,
            parentSpanId: span.parentSpanContext?.spanId,
            spanId: span.spanContext().spanId,
            name: span.name,
            kind: span.kind,
            durationMs: span.duration[0] * 1e3 + span.duration[1] / 1e6,
            attributes: span.attributes,
            status: span.status,
          }) + '\n',
        );
      } catch {
        // unserializable attribute values: skip the span rather than fail the batch
      }
    }
    done({ code: ExportResultCode.SUCCESS });
  }
}

/**
 * Connects once to the collector so `ready` can tell a fail-fast caller that
 * nothing listens there. Never throws; resolves an error or undefined.
 */
export function probeEndpoint(
  url: string,
  setting: string,
  timeoutMs = 2000,
): Promise<ConfigurationError | undefined> {
  return new Promise((resolve) => {
    let u: URL;
    try {
      u = new URL(url);
    } catch {
      resolve(undefined);
      return;
    }
    const port = Number(u.port || (u.protocol === 'https:' ? 443 : 80));
    const host = u.hostname.replace(/^\[|\]$/g, '');
    const socket = connect({ host, port });
    const finish = (err?: string) => {
      socket.destroy();
      resolve(
        err
          ? new ConfigurationError(
              setting,
              `mcpmeter: no OTLP collector answers at ${url} (${err}). Start one (Jaeger: OTLP/HTTP on port 4318), set ${setting} to yours, or set OTEL_TRACES_EXPORTER=none. Telemetry keeps retrying; the app is unaffected. See docs/troubleshooting.md#spans-do-not-reach-the-collector`,
            )
          : undefined,
      );
    };
    socket.setTimeout(timeoutMs, () => finish('timed out'));
    socket.unref();
    socket.once('connect', () => finish());
    socket.once('error', (e: NodeJS.ErrnoException) => finish(e.code ?? e.message));
  });
}
