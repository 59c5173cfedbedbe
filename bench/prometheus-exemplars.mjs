// Per-record cost of exemplar capture: histogram.record() through
// withExemplars() with a sampled span active, with none, with an unsampled
// one, and the plain SDK histogram for reference.
import { load } from './prometheus-common.mjs';

const ROUNDS = 7;

export async function measureExemplars(iterations = 1_000_000) {
  const api = await load('@opentelemetry/api');
  const { AsyncLocalStorageContextManager } = await load('@opentelemetry/context-async-hooks');
  const { MeterProvider } = await load('@opentelemetry/sdk-metrics');
  const { ExemplarStore, withExemplars, PrometheusReader } =
    await import('./prometheus-common.mjs').then((m) => m.ours());
  const { context, trace, TraceFlags } = api;
  context.setGlobalContextManager(new AsyncLocalStorageContextManager().enable());

  const reader = new PrometheusReader();
  const provider = new MeterProvider({ readers: [reader] });
  const store = new ExemplarStore();
  const advice = {
    advice: {
      explicitBucketBoundaries: [0.01, 0.02, 0.05, 0.1, 0.2, 0.5, 1, 2, 5, 10, 30, 60, 120],
    },
  };
  const plain = provider
    .getMeter('plain')
    .createHistogram('plain.duration', { unit: 's', ...advice });
  const wrapped = withExemplars(provider, store)
    .getMeter('wrapped')
    .createHistogram('wrapped.duration', { unit: 's', ...advice });
  const attrs = Object.freeze({
    'mcp.method.name': 'tools/call',
    'gen_ai.tool.name': 'get_weather',
  });
  const span = (flags) =>
    trace.setSpanContext(context.active(), {
      traceId: '4bf92f3577b34da6a3ce929d0e0e4736',
      spanId: '00f067aa0ba902b7',
      traceFlags: flags,
    });

  const loop = (h) => {
    const s = process.hrtime.bigint();
    for (let i = 0; i < iterations; i++) h.record((i & 1023) / 100, attrs);
    return Number(process.hrtime.bigint() - s) / iterations;
  };
  // the capture step alone, as the wrapper runs it after the SDK's record()
  const ex = store.instrument(
    'offer-only',
    undefined,
    'offer.duration',
    advice.advice.explicitBucketBoundaries,
  );
  const offerLoop = () => {
    const s = process.hrtime.bigint();
    for (let i = 0; i < iterations; i++) ex.offer((i & 1023) / 100, attrs, undefined);
    return Number(process.hrtime.bigint() - s) / iterations;
  };
  const sampled = span(TraceFlags.SAMPLED);
  const unsampled = span(TraceFlags.NONE);
  const cases = {
    'plain SDK histogram, no span': () => loop(plain),
    'plain SDK histogram, sampled span': () => context.with(sampled, () => loop(plain)),
    'withExemplars histogram, no span': () => loop(wrapped),
    'withExemplars histogram, unsampled span': () => context.with(unsampled, () => loop(wrapped)),
    'withExemplars histogram, sampled span': () => context.with(sampled, () => loop(wrapped)),
    'capture step alone (offer), no span': () => offerLoop(),
    'capture step alone (offer), unsampled span': () => context.with(unsampled, offerLoop),
    'capture step alone (offer), sampled span': () => context.with(sampled, offerLoop),
  };
  // Round-robin and keep each case's fastest round: on a shared 2-core machine
  // the minimum is the figure least disturbed by other processes.
  const best = {};
  for (const run of Object.values(cases)) run(); // warm-up
  for (let round = 0; round < ROUNDS; round++) {
    for (const [name, run] of Object.entries(cases))
      best[name] = Math.min(best[name] ?? Infinity, run());
  }
  await provider.shutdown();
  context.disable();
  return {
    iterations,
    rounds: ROUNDS,
    rows: Object.entries(best).map(([name, ns]) => ({ name, ns })),
    captureSampled: best['capture step alone (offer), sampled span'],
    captureNoSpan: best['capture step alone (offer), no span'],
    captureUnsampled: best['capture step alone (offer), unsampled span'],
    addedSampled:
      best['withExemplars histogram, sampled span'] - best['plain SDK histogram, sampled span'],
  };
}
