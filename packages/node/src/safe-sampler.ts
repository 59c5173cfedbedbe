import type { Attributes, Context, Link, SpanKind } from '@opentelemetry/api';
import { describeError, warnOnce } from '@mcpmeter/core';
import { SamplingDecision, type Sampler, type SamplingResult } from '@opentelemetry/sdk-trace';

/**
 * A sampler that throws costs the span it was asked about, never the request:
 * the SDK calls the sampler inside `startSpan`, which instrumentations call on
 * the host's path. Said once per process.
 */
export class SafeSampler implements Sampler {
  constructor(private readonly inner: Sampler) {}

  shouldSample(
    context: Context,
    traceId: string,
    spanName: string,
    spanKind: SpanKind,
    attributes: Attributes,
    links: Link[],
  ): SamplingResult {
    try {
      return this.inner.shouldSample(context, traceId, spanName, spanKind, attributes, links);
    } catch (err) {
      warnOnce(
        'sampler-throws',
        `mcpmeter: the sampler threw (${describeError(err)}); the spans it could not decide are dropped, metrics are unaffected. See docs/troubleshooting.md#a-span-processor-or-sampler-throws`,
      );
      return { decision: SamplingDecision.NOT_RECORD };
    }
  }

  toString(): string {
    try {
      return `SafeSampler{${this.inner.toString()}}`;
    } catch {
      return 'SafeSampler';
    }
  }
}
