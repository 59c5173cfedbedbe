import { diag, type Attributes, type HrTime } from '@opentelemetry/api';
import type { ExportResult } from '@opentelemetry/core';
import type { ReadableSpan, Span, SpanExporter, SpanProcessor } from '@opentelemetry/sdk-trace';
import { spawnSync } from 'node:child_process';
import type { Context } from '@opentelemetry/api';

/*
 * Last-chance export (issue 17). An app that calls process.exit() from an exit
 * hook (exit-hook, as Mastra does on SIGTERM: process.exit(143)) ends the
 * process before any asynchronous flush can finish: the batch processor's
 * queue and the export in flight are lost. Node still runs 'exit' listeners,
 * synchronously. There, the spans not yet confirmed by the collector are
 * serialized to OTLP/JSON (which every OTLP/HTTP receiver accepts on
 * /v1/traces) and posted by a short-lived child process we wait for
 * (spawnSync): no stdout, a minimal environment (no NODE_OPTIONS, so no
 * instrumentation in it), and a deadline.
 *
 * Limits: at most MAX_PENDING spans are kept (the newest); the child costs one Node start
 * (about 40–80 ms) plus the request, bounded by `timeoutMs` (default 2 s);
 * spans of an export that was in flight may arrive twice.
 */

const MAX_PENDING = 2048;
const POST = `const c=[];process.stdin.on('data',d=>c.push(d));process.stdin.on('end',()=>{fetch(process.env.MCPMETER_URL,{method:'POST',headers:JSON.parse(process.env.MCPMETER_HEADERS),body:Buffer.concat(c),signal:AbortSignal.timeout(Number(process.env.MCPMETER_TIMEOUT))}).then(r=>process.exit(r.ok?0:2),()=>process.exit(3))})`;

export class LastChanceExport {
  private readonly pending = new Set<ReadableSpan>();
  private readonly onExit = () => this.exportSync();

  constructor(
    private readonly url: string,
    private readonly headers: Record<string, string>,
    private readonly timeoutMs = 2000,
  ) {
    process.on('exit', this.onExit);
  }

  /** The exporter to put under the batch processor: confirmed spans leave the pending set. */
  track(inner: SpanExporter): SpanExporter {
    const pending = this.pending;
    return {
      export(spans: ReadableSpan[], done: (result: ExportResult) => void) {
        inner.export(spans, (result) => {
          // Delivered, or refused after the exporter's own retries: either way
          // not ours to send again (a collector that is down would otherwise
          // leave the set full of spans it will never take).
          for (const s of spans) pending.delete(s);
          done(result);
        });
      },
      shutdown: () => inner.shutdown(),
      forceFlush: () => inner.forceFlush?.() ?? Promise.resolve(),
    };
  }

  /** The processor to register: every sampled span is pending until the collector confirms it. */
  wrap(inner: SpanProcessor): SpanProcessor {
    const pending = this.pending;
    return {
      onStart: (span: Span, ctx: Context) => inner.onStart(span, ctx),
      onEnd(span: ReadableSpan) {
        if ((span.spanContext().traceFlags & 1) === 1) {
          // Keep the newest: a span the batch queue dropped never reaches export.
          if (pending.size >= MAX_PENDING) {
            const oldest = pending.values().next().value;
            if (oldest !== undefined) pending.delete(oldest);
          }
          pending.add(span);
        }
        inner.onEnd(span);
      },
      forceFlush: () => inner.forceFlush(),
      shutdown: async () => {
        await inner.shutdown();
        process.removeListener('exit', this.onExit);
        this.pending.clear();
      },
    };
  }

  /** Posts what is pending, synchronously. Never throws. */
  exportSync(): void {
    if (this.pending.size === 0) return;
    try {
      const body = JSON.stringify(toOtlpJson([...this.pending]));
      this.pending.clear();
      const r = spawnSync(process.execPath, ['-e', POST], {
        input: body,
        stdio: ['pipe', 'ignore', 'ignore'],
        timeout: this.timeoutMs + 1000,
        windowsHide: true,
        env: {
          MCPMETER_URL: this.url,
          MCPMETER_HEADERS: JSON.stringify({ ...this.headers, 'content-type': 'application/json' }),
          MCPMETER_TIMEOUT: String(this.timeoutMs),
        },
      });
      if (r.status !== 0) {
        diag.error(`mcpmeter: the spans left at exit could not be sent to ${this.url}.`);
      }
    } catch (err) {
      diag.error(`mcpmeter: last-chance span export failed: ${(err as Error)?.message}`);
    }
  }
}

type AnyValue =
  | { stringValue: string }
  | { boolValue: boolean }
  | { intValue: string }
  | { doubleValue: number }
  | { arrayValue: { values: AnyValue[] } };

function anyValue(v: unknown): AnyValue {
  if (typeof v === 'string') return { stringValue: v };
  if (typeof v === 'boolean') return { boolValue: v };
  if (typeof v === 'number')
    return Number.isInteger(v) ? { intValue: String(v) } : { doubleValue: v };
  if (Array.isArray(v)) return { arrayValue: { values: v.map(anyValue) } };
  return { stringValue: String(v) };
}

function keyValues(attrs: Attributes | undefined) {
  return Object.entries(attrs ?? {})
    .filter(([, v]) => v !== undefined && v !== null)
    .map(([key, v]) => ({ key, value: anyValue(v) }));
}

const nanos = ([s, ns]: HrTime) => (BigInt(s) * 1_000_000_000n + BigInt(ns)).toString();

/** OTLP/JSON `ExportTraceServiceRequest` for `spans` (ids in hex, times as decimal strings). */
export function toOtlpJson(spans: ReadableSpan[]) {
  const byResource = new Map<unknown, Map<string, ReadableSpan[]>>();
  for (const span of spans) {
    let byScope = byResource.get(span.resource);
    if (byScope === undefined)
      byResource.set(span.resource, (byScope = new Map<string, ReadableSpan[]>()));
    const scope = span.instrumentationScope;
    const key = `${scope.name}\u0000${scope.version ?? ''}`;
    byScope.set(key, [...(byScope.get(key) ?? []), span]);
  }
  return {
    resourceSpans: [...byResource.values()].map((byScope) => {
      const first = [...byScope.values()][0]![0]!;
      return {
        resource: { attributes: keyValues(first.resource.attributes) },
        scopeSpans: [...byScope.values()].map((list) => ({
          scope: {
            name: list[0]!.instrumentationScope.name,
            version: list[0]!.instrumentationScope.version,
          },
          spans: list.map((s) => ({
            traceId: s.spanContext().traceId,
            spanId: s.spanContext().spanId,
            parentSpanId: s.parentSpanContext?.spanId,
            name: s.name,
            kind: s.kind + 1,
            startTimeUnixNano: nanos(s.startTime),
            endTimeUnixNano: nanos(s.endTime),
            attributes: keyValues(s.attributes),
            events: s.events.map((e) => ({
              timeUnixNano: nanos(e.time),
              name: e.name,
              attributes: keyValues(e.attributes),
            })),
            links: s.links.map((l) => ({
              traceId: l.context.traceId,
              spanId: l.context.spanId,
              attributes: keyValues(l.attributes),
            })),
            status: { code: s.status.code, message: s.status.message },
          })),
        })),
      };
    }),
  };
}
