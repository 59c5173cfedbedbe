// A same-process A/B of the added client CPU of one LLM call, for development (not in run.mjs):
// uninstrumented and instrumented calls alternate in short blocks in one process, so the
// shared machine's noise falls on both alike and a change of a few µs shows up in a minute.
//
//   node bench/llm-ab.mjs [openai|anthropic|fetch] [blocks=40] [calls per block=25] [stream]
//   node --cpu-prof bench/llm-ab.mjs openai --only on 3000      (profile one side only)
//   BENCH_BASE=path/to/other/dist/index.mjs node bench/llm-ab.mjs openai   (a third side: another build)
//   BENCH_CHUNK_DELAY_MS=1 node bench/llm-ab.mjs openai 30 2 stream        (one chunk per read)
import { spawn } from 'node:child_process';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';

const ROOT = join(dirname(fileURLToPath(import.meta.url)), '..');
const PKG = join(ROOT, 'packages/instrumentation-llm');
const req = createRequire(join(PKG, 'package.json'));
const rootReq = createRequire(join(ROOT, 'package.json'));
const load = (name) => import(pathToFileURL(req.resolve(name)).href);
const loadRoot = (name) => import(pathToFileURL(rootReq.resolve(name)).href);

const args = process.argv.slice(2);
const kind = args[0] ?? 'openai';
const onlyAt = args.indexOf('--only');
const only = onlyAt >= 0 ? args[onlyAt + 1] : undefined;
const stream = args.includes('stream');
const nums = args.filter((a) => /^\d+$/.test(a)).map(Number);
const BLOCKS = only ? 1 : (nums[0] ?? 40);
const PER = only ? (nums[0] ?? 3000) : (nums[1] ?? 25);
const CHUNKS = 200;

const port = await new Promise((resolve) => {
  const up = spawn(process.execPath, [join(ROOT, 'examples/llm-gateway/fake-upstream.mjs'), '0'], {
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  process.on('exit', () => up.kill());
  let text = '';
  const onData = (d) => {
    text += d;
    const m = /127\.0\.0\.1:(\d+)/.exec(text);
    if (m) resolve(Number(m[1]));
  };
  up.stderr.on('data', onData);
  up.stdout.on('data', onData);
});
const baseURL = `http://127.0.0.1:${port}/v1`;

const api = await load('@opentelemetry/api');
const { AsyncLocalStorageContextManager } = await loadRoot('@opentelemetry/context-async-hooks');
const { MeterProvider, MetricReader, AggregationTemporality } = await loadRoot(
  '@opentelemetry/sdk-metrics',
);
const { TracerProvider, BatchSpanProcessor } = await loadRoot('@opentelemetry/sdk-trace');
class Reader extends MetricReader {
  constructor(fast) {
    super({
      aggregationTemporalitySelector: () => AggregationTemporality.CUMULATIVE,
      metricProducers: [fast.producer()],
    });
  }
  onShutdown() {
    return Promise.resolve();
  }
  onForceFlush() {
    return Promise.resolve();
  }
}
api.context.setGlobalContextManager(new AsyncLocalStorageContextManager().enable());
const { FastHistograms, SEMCONV_HISTOGRAMS } = await import(
  pathToFileURL(join(ROOT, 'packages/node/dist/index.mjs')).href
);
const fast = new FastHistograms({ histograms: SEMCONV_HISTOGRAMS, cardinalityLimit: 2000 });
const reader = new Reader(fast);
const meterProvider = fast.wrap(new MeterProvider({ readers: [reader] }));
api.metrics.setGlobalMeterProvider(meterProvider);
const drop = { export: (_s, cb) => cb({ code: 0 }), shutdown: () => Promise.resolve() };
const tracerProvider = new TracerProvider({
  spanProcessors: [new BatchSpanProcessor({ exporter: drop, scheduledDelayMillis: 100 })],
});
api.trace.setGlobalTracerProvider(tracerProvider);
const instrumentation = (mod) => {
  const i = new mod.LlmInstrumentation({
    enabled: false,
    endpoints: [
      {
        baseURL: process.env.BENCH_ENDPOINT_MISS ? 'http://10.0.0.1/v1' : baseURL,
        providerName: kind === 'anthropic' ? 'anthropic' : 'openai',
      },
    ],
  });
  i.setTracerProvider(tracerProvider);
  i.setMeterProvider(meterProvider);
  return i;
};
const llm = await import(pathToFileURL(join(PKG, 'dist/index.mjs')).href);
const base = process.env.BENCH_BASE
  ? await import(pathToFileURL(process.env.BENCH_BASE).href)
  : undefined;
const insts = { off: undefined, on: instrumentation(llm), base: base && instrumentation(base) };
const SIDES = base ? ['off', 'on', 'base'] : ['off', 'on'];

// BENCH_CHUNK_DELAY_MS=1: the upstream spaces a stream's chunks, so that each arrives in its own read (as from a
// real model, and as bench/llm-peers.mjs "stream" does); by default they are written back to back (a few reads).
const headers = {
  'x-fake-chunks': String(CHUNKS),
  ...(process.env.BENCH_CHUNK_DELAY_MS
    ? { 'x-fake-chunk-delay-ms': process.env.BENCH_CHUNK_DELAY_MS }
    : {}),
};
let calls;
if (kind === 'fetch') {
  const body = JSON.stringify({
    model: 'gpt-4.1',
    messages: [{ role: 'user', content: 'hi' }],
    ...(stream ? { stream: true, stream_options: { include_usage: true } } : {}),
  });
  const call = async () => {
    const res = await fetch(`${baseURL}/chat/completions`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', ...headers },
      body,
    });
    if (stream) {
      const r = res.body.getReader();
      while (!(await r.read()).done);
    } else await res.json();
  };
  calls = { off: call, on: call, base: call };
} else if (kind === 'openai') {
  const { default: OpenAI } = await load('openai');
  const make = () => new OpenAI({ apiKey: 'k', baseURL, maxRetries: 0 });
  const off = make();
  const on = llm.instrumentOpenAI(make());
  const onBase = base?.instrumentOpenAI(make());
  const body = () => ({
    model: 'gpt-4.1',
    messages: [{ role: 'user', content: 'hi' }],
    ...(stream ? { stream: true, stream_options: { include_usage: true } } : {}),
  });
  const mk = (c) => async () => {
    const r = await c.chat.completions.create(body(), { headers });
    if (stream) for await (const _ of r) void _;
  };
  calls = { off: mk(off), on: mk(on), base: base && mk(onBase) };
} else {
  const { default: Anthropic } = await load('@anthropic-ai/sdk');
  const make = () =>
    new Anthropic({ apiKey: 'k', baseURL: baseURL.replace(/\/v1$/, ''), maxRetries: 0 });
  const off = make();
  const on = llm.instrumentAnthropic(make());
  const onBase = base?.instrumentAnthropic(make());
  const body = () => ({
    model: 'claude-sonnet-4-6',
    max_tokens: 100,
    messages: [{ role: 'user', content: 'hi' }],
    ...(stream ? { stream: true } : {}),
  });
  const mk = (c) => async () => {
    const r = await c.messages.create(body(), { headers });
    if (stream) for await (const _ of r) void _;
  };
  calls = { off: mk(off), on: mk(on), base: base && mk(onBase) };
}

const run = async (side, n) => {
  for (const [k, i] of Object.entries(insts)) if (i && k !== side) i.disable();
  insts[side]?.enable();
  const f = calls[side];
  const c0 = process.cpuUsage();
  for (let i = 0; i < n; i++) await f();
  const c = process.cpuUsage(c0);
  return (c.user + c.system) / n;
};

for (let i = 0; i < 30; i++) for (const side of SIDES) await run(side, 1);
if (only) {
  const us = await run(only, PER);
  console.log(`${kind}${stream ? ' stream' : ''} ${only}: ${us.toFixed(1)} µs/call`);
} else {
  const per = Object.fromEntries(SIDES.map((k) => [k, []]));
  for (let b = 0; b < BLOCKS; b++) {
    const order = b % 2 === 0 ? SIDES : [...SIDES].reverse();
    for (const side of order) per[side].push(await run(side, PER));
  }
  const med = (xs) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];
  const line = (side) => {
    const diffs = per.off.map((o, i) => per[side][i] - o);
    const min = (xs) => Math.min(...xs);
    return (
      `${side} ${med(per[side]).toFixed(1)} µs (added, median of paired blocks: ${med(diffs).toFixed(1)} µs; ` +
      `fastest blocks: ${(min(per[side]) - min(per.off)).toFixed(1)} µs)`
    );
  };
  console.log(
    `${kind}${stream ? ' stream' : ''}: off ${med(per.off).toFixed(1)} µs; ` +
      SIDES.slice(1).map(line).join('; '),
  );
}
const all = (await reader.collect()).resourceMetrics.scopeMetrics.flatMap((s) => s.metrics);
const d = all.find((m) => m.descriptor.name === 'gen_ai.client.operation.duration');
const recorded = (d?.dataPoints ?? []).reduce((a, p) => a + p.value.count, 0);
const cost = all.find((m) => m.descriptor.name === 'gen_ai.client.cost.usd');
console.log(
  `recorded ${recorded}; cost series ${cost?.dataPoints.length ?? 0}: ${(cost?.dataPoints ?? []).map((p) => p.value.toFixed(6)).join(' ')}`,
);
process.exit(0);
