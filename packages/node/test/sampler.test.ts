// SDK 3.x no longer reads OTEL_TRACES_SAMPLER(_ARG) itself: register() builds the sampler.
import { ROOT_CONTEXT, SpanKind, trace, TraceFlags } from '@opentelemetry/api';
import { SamplingDecision } from '@opentelemetry/sdk-trace';
import { describe, expect, it } from 'vitest';
import { samplerFromEnv } from '../src/sampler.js';

const traceId = '0af7651916cd43dd8448eb211c80319c';
const sampledParent = trace.setSpanContext(ROOT_CONTEXT, {
  traceId,
  spanId: 'b7ad6b7169203331',
  traceFlags: TraceFlags.SAMPLED,
});
const decide = (env: Record<string, string>, ctx = ROOT_CONTEXT) =>
  samplerFromEnv(env).shouldSample(ctx, traceId, 'span', SpanKind.SERVER, {}, []).decision;

describe('samplerFromEnv', () => {
  it.each([
    [{}, 'parentbased_always_on by default', SamplingDecision.RECORD_AND_SAMPLED],
    [{ OTEL_TRACES_SAMPLER: 'always_off' }, 'always_off', SamplingDecision.NOT_RECORD],
    [
      { OTEL_TRACES_SAMPLER: 'ALWAYS_ON ' },
      'always_on, any case',
      SamplingDecision.RECORD_AND_SAMPLED,
    ],
    [
      { OTEL_TRACES_SAMPLER: 'traceidratio', OTEL_TRACES_SAMPLER_ARG: '0' },
      'ratio 0',
      SamplingDecision.NOT_RECORD,
    ],
    [
      { OTEL_TRACES_SAMPLER: 'traceidratio', OTEL_TRACES_SAMPLER_ARG: '2.5' },
      'a ratio out of range counts as 1',
      SamplingDecision.RECORD_AND_SAMPLED,
    ],
    [
      { OTEL_TRACES_SAMPLER: 'nope' },
      'an unknown name is the default',
      SamplingDecision.RECORD_AND_SAMPLED,
    ],
  ])('%o: %s', (env, _what, want) => {
    expect(decide(env)).toBe(want);
  });

  it('parent-based samplers follow a sampled parent even when the root is off', () => {
    expect(decide({ OTEL_TRACES_SAMPLER: 'parentbased_always_off' })).toBe(
      SamplingDecision.NOT_RECORD,
    );
    expect(decide({ OTEL_TRACES_SAMPLER: 'parentbased_always_off' }, sampledParent)).toBe(
      SamplingDecision.RECORD_AND_SAMPLED,
    );
    expect(
      decide(
        { OTEL_TRACES_SAMPLER: 'parentbased_traceidratio', OTEL_TRACES_SAMPLER_ARG: '0' },
        sampledParent,
      ),
    ).toBe(SamplingDecision.RECORD_AND_SAMPLED);
  });
});
