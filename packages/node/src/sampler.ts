import {
  AlwaysOffSampler,
  AlwaysOnSampler,
  ParentBasedSampler,
  TraceIdRatioBasedSampler,
  type Sampler,
} from '@opentelemetry/sdk-trace';

/**
 * The sampler `OTEL_TRACES_SAMPLER` / `OTEL_TRACES_SAMPLER_ARG` name. SDK 2.x read
 * them inside the TracerProvider; SDK 3.x leaves it to the distribution. Values
 * were checked (and reported once) by `resolveConfig`: anything unknown here is
 * the default, parent-based always-on.
 */
export function samplerFromEnv(env: Record<string, string | undefined> = process.env): Sampler {
  const name = env.OTEL_TRACES_SAMPLER?.trim().toLowerCase();
  const raw = env.OTEL_TRACES_SAMPLER_ARG?.trim();
  const arg = raw ? Number(raw) : NaN;
  const ratio = arg >= 0 && arg <= 1 ? arg : 1;
  switch (name) {
    case 'always_on':
      return new AlwaysOnSampler();
    case 'always_off':
      return new AlwaysOffSampler();
    case 'traceidratio':
      return new TraceIdRatioBasedSampler(ratio);
    case 'parentbased_always_off':
      return new ParentBasedSampler({ root: new AlwaysOffSampler() });
    case 'parentbased_traceidratio':
      return new ParentBasedSampler({ root: new TraceIdRatioBasedSampler(ratio) });
    default:
      return new ParentBasedSampler({ root: new AlwaysOnSampler() });
  }
}
