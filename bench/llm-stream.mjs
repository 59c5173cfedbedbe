// A stream of 100,000 chunks through @mcpmeter/instrumentation-llm: added time
// per chunk and memory retained while the stream runs (heap after GC).
//
// The body is generated in process (one pre-encoded OpenAI chat chunk repeated,
// then a usage chunk and [DONE]) so no network noise enters the figures:
//
//   fetch        instrumentFetch over a fetch that returns the generated response;
//                the reader takes the body chunk by chunk
//   openai-sdk   an `openai` client (its `fetch` option returns the generated
//                response) iterating `chat.completions.create({ stream: true })`,
//                with instrumentOpenAI
//
// Each configuration runs in a fresh child process (`--expose-gc`), with and
// without instrumentation, metrics going to a MeterProvider built as register()
// builds it (the semconv histograms aggregated by mcpmeter's FastHistograms;
// BENCH_SDK_HISTOGRAMS=1 for the SDK's own) and spans to a tracer provider that
// records them (dropping exporter).
//
//   node bench/llm-stream.mjs            (run all, print Markdown)
//   node bench/llm-stream.mjs --write    (also replace "## LLM" in docs/benchmarks.md)
import { execFileSync } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import os from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { writeSection } from './doc-section.mjs';

const ROOT = join(dirname(fileURLToPath(import.meta.url)), '..');
const PKG = join(ROOT, 'packages/instrumentation-llm');
const req = createRequire(join(PKG, 'package.json'));
const rootReq = createRequire(join(ROOT, 'package.json'));
const load = (name) => import(pathToFileURL(req.resolve(name)).href);
const loadRoot = (name) => import(pathToFileURL(rootReq.resolve(name)).href);
const CHUNKS = Number(process.env.BENCH_CHUNKS ?? 100_000);
const RUNS = Number(process.env.BENCH_RUNS ?? 5);
const CONFIGS = ['fetch', 'openai-sdk'];
const SAMPLES = [10_000, 50_000, 90_000].map((n) => Math.floor((n / 100_000) * CHUNKS));

function sseResponse(n) {
  const enc = new TextEncoder();
  const base = {
    id: 'chatcmpl-bench',
    object: 'chat.completion.chunk',
    created: 1,
    model: 'gpt-4.1',
  };
  const chunk = enc.encode(
    `data: ${JSON.stringify({ ...base, choices: [{ index: 0, delta: { content: ' tok' }, finish_reason: null }] })}\n\n`,
  );
  const usage = { prompt_tokens: 10, completion_tokens: n, total_tokens: 10 + n };
  const tail = enc.encode(
    `data: ${JSON.stringify({ ...base, choices: [{ index: 0, delta: {}, finish_reason: 'stop' }] })}\n\n` +
      `data: ${JSON.stringify({ ...base, choices: [], usage })}\n\ndata: [DONE]\n\n`,
  );
  let i = 0;
  const body = new ReadableStream(
    {
      pull(c) {
        if (i < n) {
          c.enqueue(chunk);
          i++;
        } else {
          c.enqueue(tail);
          c.close();
        }
      },
    },
    { highWaterMark: 0 },
  );
  return new Response(body, { status: 200, headers: { 'content-type': 'text/event-stream' } });
}

async function child(config, instrumented) {
  const api = await load('@opentelemetry/api');
  const { AsyncLocalStorageContextManager } = await loadRoot('@opentelemetry/context-async-hooks');
  const { MeterProvider, MetricReader, AggregationTemporality } = await loadRoot(
    '@opentelemetry/sdk-metrics',
  );
  const { TracerProvider, SimpleSpanProcessor } = await loadRoot('@opentelemetry/sdk-trace');
  class Reader extends MetricReader {
    constructor(fast) {
      super({
        aggregationTemporalitySelector: () => AggregationTemporality.CUMULATIVE,
        metricProducers: fast ? [fast.producer()] : [],
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
  // A context in use, instrumented or not (as in any app with a tracer
  // registered): AsyncLocalStorage's promise hooks are on in both columns, so
  // "added" is the instrumentation's own cost.
  api.context.with(api.ROOT_CONTEXT.setValue(Symbol('in use'), 1), () => undefined);
  // As register() builds it: the semconv histograms (the per-chunk ones among
  // them) aggregated by mcpmeter; BENCH_SDK_HISTOGRAMS=1 sends them to the SDK.
  const sdkHistograms = process.env.BENCH_SDK_HISTOGRAMS === '1';
  const { FastHistograms, SEMCONV_HISTOGRAMS } = await import(
    pathToFileURL(join(ROOT, 'packages/node/dist/index.mjs')).href
  );
  const fast = sdkHistograms
    ? undefined
    : new FastHistograms({ histograms: SEMCONV_HISTOGRAMS, cardinalityLimit: 2000 });
  const reader = new Reader(fast);
  const provider = new MeterProvider({ readers: [reader] });
  api.metrics.setGlobalMeterProvider(fast ? fast.wrap(provider) : provider);
  const drop = { export: (_s, cb) => cb({ code: 0 }), shutdown: () => Promise.resolve() };
  api.trace.setGlobalTracerProvider(
    new TracerProvider({ spanProcessors: [new SimpleSpanProcessor({ exporter: drop })] }),
  );
  const llm = await import(pathToFileURL(join(PKG, 'dist/index.mjs')).href);

  let consume;
  if (config === 'fetch') {
    const raw = async () => sseResponse(CHUNKS);
    const f = instrumented
      ? llm.instrumentFetch(raw, {
          endpoints: [{ baseURL: 'http://bench.local/v1', providerName: 'openai' }],
        })
      : raw;
    consume = async (onChunk) => {
      const res = await f('http://bench.local/v1/chat/completions', {
        method: 'POST',
        body: JSON.stringify({ model: 'gpt-4.1', stream: true, messages: [] }),
      });
      const r = res.body.getReader();
      let n = 0;
      for (;;) {
        const { done } = await r.read();
        if (done) break;
        await onChunk(++n);
      }
    };
  } else {
    const { default: OpenAI } = await load('openai');
    const client0 = new OpenAI({
      apiKey: 'k',
      baseURL: 'http://bench.local/v1',
      maxRetries: 0,
      fetch: async () => sseResponse(CHUNKS),
    });
    const client = instrumented ? llm.instrumentOpenAI(client0) : client0;
    consume = async (onChunk) => {
      const s = await client.chat.completions.create({
        model: 'gpt-4.1',
        stream: true,
        messages: [],
      });
      let n = 0;
      for await (const _ of s) await onChunk(++n);
    };
  }

  const heap = () => {
    globalThis.gc();
    globalThis.gc();
    return process.memoryUsage().heapUsed;
  };
  const noop = () => undefined;
  await consume(noop); // warm-up
  const times = [];
  for (let i = 0; i < RUNS; i++) {
    const t0 = process.hrtime.bigint();
    await consume(noop);
    times.push(Number(process.hrtime.bigint() - t0) / CHUNKS);
  }
  const samples = [];
  const before = heap();
  await consume(async (n) => {
    if (SAMPLES.includes(n)) samples.push(heap());
  });
  const after = heap();
  times.sort((a, b) => a - b);
  const all = (await reader.collect()).resourceMetrics.scopeMetrics.flatMap((s) => s.metrics);
  const tokens = all.find((m) => m.descriptor.name === 'gen_ai.client.token.usage');
  const outputTokens = (tokens?.dataPoints ?? [])
    .filter((p) => p.attributes['gen_ai.token.type'] === 'output')
    .reduce((a, p) => a + p.value.sum, 0);
  process.stdout.write(
    JSON.stringify({
      nsPerChunk: times[Math.floor(times.length / 2)],
      growth: samples[samples.length - 1] - samples[0],
      samples,
      afterMinusBefore: after - before,
      outputTokens,
    }),
  );
}

function machine() {
  let cpu;
  try {
    cpu = /model name\s*:\s*(.*)/.exec(readFileSync('/proc/cpuinfo', 'utf8'))?.[1];
  } catch {
    cpu = undefined;
  }
  return {
    cpu: cpu ?? os.cpus()[0]?.model,
    nproc: os.availableParallelism(),
    node: process.version,
  };
}

const kb = (b) => `${(b / 1024).toFixed(1)} KiB`;

async function main() {
  if (!existsSync(join(PKG, 'dist/index.mjs'))) {
    throw new Error(
      'build first: pnpm --filter @mcpmeter/core build && pnpm --filter @mcpmeter/instrumentation-llm build',
    );
  }
  const rows = [];
  for (const config of CONFIGS) {
    const r = {};
    for (const instrumented of [false, true]) {
      const out = execFileSync(
        process.execPath,
        ['--expose-gc', fileURLToPath(import.meta.url), '--child', config, String(instrumented)],
        {
          encoding: 'utf8',
          stdio: ['ignore', 'pipe', 'inherit'],
        },
      );
      r[instrumented ? 'on' : 'off'] = JSON.parse(out);
    }
    if (r.on.outputTokens !== CHUNKS * (RUNS + 2)) {
      throw new Error(
        `${config}: expected ${CHUNKS * (RUNS + 2)} output tokens recorded, got ${r.on.outputTokens}`,
      );
    }
    rows.push({ config, ...r });
  }
  const m = machine();
  const md = [
    '## LLM',
    '',
    `A stream of ${CHUNKS.toLocaleString('en-US')} chunks (OpenAI chat-completion SSE events, generated in process) through`,
    '`@mcpmeter/instrumentation-llm`: time per chunk (median of ' +
      RUNS +
      ' streams after one warm-up) and heap',
    'growth while the stream runs (heap used after GC at chunk 10% vs 90%). Metrics go to a MeterProvider built as',
    "`register()` builds it (the semconv histograms, the per-chunk ones among them, aggregated by mcpmeter's",
    '`FastHistograms`), spans to a tracer provider that records them; a context is in use in both columns',
    '(AsyncLocalStorage on, as in any app with a tracer registered). Run:',
    '`pnpm build && node bench/llm-stream.mjs --write`.',
    '',
    `Machine: ${m.cpu}, ${m.nproc} cores, Node ${m.node}, ${new Date().toISOString().slice(0, 10)}; 1-minute load average ${os.loadavg()[0].toFixed(1)} at the end (other work on the machine inflates the "on" and "off" columns alike).`,
    '',
    '| path | ns per chunk, off | ns per chunk, on | added per chunk | heap growth 10%→90%, off | on |',
    '|---|---:|---:|---:|---:|---:|',
    ...rows.map(
      (r) =>
        `| ${r.config} | ${r.off.nsPerChunk.toFixed(0)} | ${r.on.nsPerChunk.toFixed(0)} | ${(r.on.nsPerChunk - r.off.nsPerChunk).toFixed(0)} ns | ${kb(r.off.growth)} | ${kb(r.on.growth)} |`,
    ),
    '',
    '- **fetch**: `instrumentFetch` over a fetch returning the generated body; the reader pulls raw bytes, so the',
    '  figure is the observer alone: a second `ReadableStream` around the body (the observed `Response` needs a',
    '  stream of its own; with its promises, the larger share of the added time in a CPU profile), SSE parsing, chunk timing, one',
    '  `time_per_output_chunk` record per chunk.',
    "- **openai-sdk**: `openai` 6.x `chat.completions.create({ stream: true })` with `instrumentOpenAI`; the SDK's own",
    '  SSE decoding and JSON parsing are in both columns.',
    '- Heap growth near zero (a few KiB either way is GC noise) means memory stays flat: the observer keeps one',
    '  partial line and one event, never the stream. The usage chunk at the end was recorded in every run',
    '  (output tokens checked).',
  ].join('\n');
  process.stdout.write(md + '\n');
  if (process.argv.includes('--write')) await writeSection('LLM', md);
}

if (process.argv[2] === '--child') await child(process.argv[3], process.argv[4] === 'true');
else await main();
