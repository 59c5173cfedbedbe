// Added client CPU per LLM call: the wire path (zero-code capture of plain fetch through
// undici's diagnostics channels) and the SDK path (`openai` with its SDK hook; the wire
// capture is on too and steps aside), each next to the same calls uninstrumented, for a
// non-streamed chat completion and a 200-chunk stream.
//
// The upstream (examples/llm-gateway/fake-upstream.mjs) runs in its own process, so only
// the client's CPU is measured (process.cpuUsage, user + system, per call). Every
// configuration runs in a fresh child process; rounds interleave the configurations so
// machine noise falls on all of them alike; the figure is the median over rounds.
//
//   node bench/llm-wire.mjs            (print Markdown)
//   node bench/llm-wire.mjs --write    (also replace "## Wire capture of LLM calls" in docs/benchmarks.md)
import { execFileSync, spawn } from 'node:child_process';
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { createServer } from 'node:net';
import os from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';

const ROOT = join(dirname(fileURLToPath(import.meta.url)), '..');
const PKG = join(ROOT, 'packages/instrumentation-llm');
const req = createRequire(join(PKG, 'package.json'));
const rootReq = createRequire(join(ROOT, 'package.json'));
const load = (name) => import(pathToFileURL(req.resolve(name)).href);
const loadRoot = (name) => import(pathToFileURL(rootReq.resolve(name)).href);
const ROUNDS = Number(process.env.BENCH_ROUNDS ?? 5);
const CALLS = Number(process.env.BENCH_CALLS ?? 300);
const STREAM_CALLS = Number(process.env.BENCH_STREAM_CALLS ?? 60);
const CHUNKS = 200;
const CONFIGS = ['fetch-off', 'fetch-wire', 'sdk-off', 'sdk-hook'];
const SECTION = '## Wire capture of LLM calls';

async function child(config, baseURL) {
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
  // As register() sets things up, in every column (a context manager in use, the same providers).
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
    spanProcessors: [new SimpleSpanProcessor({ exporter: drop })],
  });
  api.trace.setGlobalTracerProvider(tracerProvider);
  const llm = await import(pathToFileURL(join(PKG, 'dist/index.mjs')).href);
  const on = config === 'fetch-wire' || config === 'sdk-hook';
  if (on) {
    const inst = new llm.LlmInstrumentation({
      enabled: false,
      endpoints: [{ baseURL, providerName: 'openai' }],
    });
    inst.setTracerProvider(tracerProvider);
    inst.setMeterProvider(meterProvider);
    inst.enable();
  }
  const body = (stream) => ({
    model: 'gpt-4.1',
    messages: [{ role: 'user', content: 'hi' }],
    ...(stream ? { stream: true, stream_options: { include_usage: true } } : {}),
  });
  let call;
  if (config.startsWith('fetch')) {
    call = async (stream) => {
      const res = await fetch(`${baseURL}/chat/completions`, {
        method: 'POST',
        headers: { 'content-type': 'application/json', 'x-fake-chunks': String(CHUNKS) },
        body: JSON.stringify(body(stream)),
      });
      if (stream) {
        const r = res.body.getReader();
        while (!(await r.read()).done);
      } else await res.json();
    };
  } else {
    const { default: OpenAI } = await load('openai');
    const c0 = new OpenAI({ apiKey: 'k', baseURL, maxRetries: 0 });
    const client = on ? llm.instrumentOpenAI(c0) : c0;
    call = async (stream) => {
      const r = await client.chat.completions.create(body(stream), {
        headers: { 'x-fake-chunks': String(CHUNKS) },
      });
      if (stream) for await (const _ of r) void _;
    };
  }
  const measure = async (stream, n) => {
    for (let i = 0; i < 20; i++) await call(stream); // warm-up
    const c0 = process.cpuUsage();
    for (let i = 0; i < n; i++) await call(stream);
    const c = process.cpuUsage(c0);
    return (c.user + c.system) / n;
  };
  const json = await measure(false, CALLS);
  const stream = await measure(true, STREAM_CALLS);
  const all = (await reader.collect()).resourceMetrics.scopeMetrics.flatMap((s) => s.metrics);
  const d = all.find((m) => m.descriptor.name === 'gen_ai.client.operation.duration');
  const recorded = (d?.dataPoints ?? []).reduce((a, p) => a + p.value.count, 0);
  process.stdout.write(JSON.stringify({ json, stream, recorded }));
}

async function freePort() {
  const s = createServer();
  await new Promise((r) => s.listen(0, '127.0.0.1', r));
  const { port } = s.address();
  await new Promise((r) => s.close(r));
  return port;
}

const median = (xs) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];

function writeSection(markdown) {
  const file = join(ROOT, 'docs/benchmarks.md');
  let doc = existsSync(file) ? readFileSync(file, 'utf8') : '# Benchmarks\n';
  const start = doc.indexOf('\n' + SECTION);
  if (start >= 0) {
    const next = doc.indexOf('\n## ', start + 1);
    doc = doc.slice(0, start) + (next >= 0 ? doc.slice(next) : '\n');
  }
  writeFileSync(file, doc.trimEnd() + '\n\n' + markdown.trim() + '\n');
}

async function main() {
  for (const f of [join(PKG, 'dist/index.mjs'), join(ROOT, 'packages/node/dist/index.mjs')])
    if (!existsSync(f)) throw new Error(`${f} is missing: run pnpm build first`);
  const port = await freePort();
  const upstream = spawn(
    process.execPath,
    [join(ROOT, 'examples/llm-gateway/fake-upstream.mjs'), String(port)],
    {
      stdio: ['ignore', 'ignore', 'pipe'],
    },
  );
  await new Promise((resolve) => upstream.stderr.once('data', resolve));
  const baseURL = `http://127.0.0.1:${port}/v1`;
  const results = Object.fromEntries(
    CONFIGS.map((c) => [c, { json: [], stream: [], recorded: 0 }]),
  );
  try {
    for (let round = 0; round < ROUNDS; round++) {
      const order = round % 2 === 0 ? CONFIGS : [...CONFIGS].reverse();
      for (const config of order) {
        const out = execFileSync(
          process.execPath,
          [fileURLToPath(import.meta.url), '--child', config, baseURL],
          {
            encoding: 'utf8',
            timeout: 300_000,
          },
        );
        const r = JSON.parse(out);
        results[config].json.push(r.json);
        results[config].stream.push(r.stream);
        results[config].recorded = r.recorded;
      }
    }
  } finally {
    upstream.kill();
  }
  const us = (x) => `${x.toFixed(0)} µs`;
  const row = (label, off, on) => {
    const j0 = median(results[off].json);
    const j1 = median(results[on].json);
    const s0 = median(results[off].stream);
    const s1 = median(results[on].stream);
    return `| ${label} | ${us(j0)} | ${us(j1)} | **${us(j1 - j0)}** | ${us(s0)} | ${us(s1)} | **${us(s1 - s0)}** |`;
  };
  let cpu = '';
  try {
    cpu = /model name\s*:\s*(.*)/.exec(readFileSync('/proc/cpuinfo', 'utf8'))?.[1] ?? '';
  } catch {
    cpu = os.cpus()[0]?.model ?? '';
  }
  const md = [
    SECTION,
    '',
    `Client CPU (user + system, \`process.cpuUsage\`) per call, median of ${ROUNDS} interleaved rounds, each`,
    `configuration in a fresh process: ${CALLS} non-streamed chat completions and ${STREAM_CALLS} streams of ${CHUNKS}`,
    'chunks per round, against the local fake upstream in another process (its CPU is not counted). "off": the same',
    'calls with no instrumentation; metrics go to a MeterProvider built as `register()` builds it, spans to a',
    'recording tracer provider, a context manager is in use in every column.',
    '',
    "- **wire path**: plain `fetch`, recorded zero-code by `LlmInstrumentation` through undici's diagnostics channels",
    '  (the endpoint given as a configured base URL, as `MCPMETER_LLM_ENDPOINTS` does).',
    '- **SDK path**: an `openai` client with the SDK hook (`instrumentOpenAI`, what the zero-code patch installs);',
    '  the wire capture is on as well and steps aside for these calls (each recorded once).',
    '',
    `Machine: ${cpu}, ${os.availableParallelism()} cores (shared), Node ${process.version}, ${new Date().toISOString().slice(0, 10)};`,
    `1-minute load average ${os.loadavg()[0].toFixed(1)} at the end. Run: \`pnpm build && node bench/llm-wire.mjs --write\`.`,
    '',
    '| path | non-streamed, off | on | added per call | 200-chunk stream, off | on | added per call |',
    '| --- | ---: | ---: | ---: | ---: | ---: | ---: |',
    row('wire path (fetch)', 'fetch-off', 'fetch-wire'),
    row('SDK path (openai)', 'sdk-off', 'sdk-hook'),
    '',
    `Calls recorded in the last round: wire ${results['fetch-wire'].recorded}, SDK ${results['sdk-hook'].recorded}`,
    `(expected ${CALLS + STREAM_CALLS + 40} each: measured calls plus warm-up), uninstrumented ${results['fetch-off'].recorded} and ${results['sdk-off'].recorded}.`,
  ].join('\n');
  process.stdout.write(md + '\n');
  if (process.argv.includes('--write')) writeSection(md);
}

if (process.argv[2] === '--child') await child(process.argv[3], process.argv[4]);
else await main();
