// One exporter in a fresh process for bench/prometheus-memory.mjs: sets it up
// behind an HTTP server on 127.0.0.1 (port 0), records the same 10,000
// histogram series, reports memory before and after, serves the parent's
// scrapes (CPU time per scrape measured here), reports memory again.
//
//   node --expose-gc bench/prometheus-memory-child.mjs <exporter>   (forked with IPC)
import { createServer } from 'node:http';
import { getHeapSpaceStatistics, getHeapStatistics } from 'node:v8';
import { PerformanceObserver } from 'node:perf_hooks';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';

/** Resident KiB of this process by kind of mapping (/proc/self/smaps). */
function smaps() {
  const out = { brk: 0, anon: 0, file: 0, stack: 0, other: 0 };
  let kind = 'other';
  for (const line of readFileSync('/proc/self/smaps', 'utf8').split('\n')) {
    const head = line.match(/^[0-9a-f]+-[0-9a-f]+ \S+ \S+ \S+ \S+\s*(.*)$/);
    if (head) {
      const name = head[1];
      kind =
        name === '[heap]'
          ? 'brk'
          : name === ''
            ? 'anon'
            : name.startsWith('/')
              ? 'file'
              : name.startsWith('[stack')
                ? 'stack'
                : 'other';
    } else if (line.startsWith('Rss:')) {
      out[kind] += Number(line.split(/\s+/)[1]);
    }
  }
  return out;
}

const exporter = process.argv[2];
const SERIES = Number(process.env.BENCH_SERIES ?? 10_000);
const BOUNDARIES = [0.01, 0.02, 0.05, 0.1, 0.2, 0.5, 1, 2, 5, 10, 30, 60, 120];
const METHODS = ['tools/call', 'tools/list', 'resources/read', 'prompts/get', 'initialize'];
const NAME = 'mcp.server.operation.duration';

// Bare specifiers resolve from bench/ (its devDependencies), as ES modules;
// BENCH_MCPMETER_ROOT=/other/checkout loads mcpmeter's packages (and the
// sdk-metrics they use) from that checkout's build instead.
const ROOT = process.env.BENCH_MCPMETER_ROOT;
function load(name) {
  if (ROOT === undefined) return import(name);
  if (name.startsWith('@mcpmeter/')) {
    return import(pathToFileURL(join(ROOT, 'packages', name.slice(10), 'dist/index.mjs')).href);
  }
  const dir = join(ROOT, 'packages/node/node_modules', name);
  const pkg = JSON.parse(readFileSync(join(dir, 'package.json'), 'utf8'));
  const entry = pkg.exports?.['.']?.default?.default ?? pkg.exports?.['.']?.import ?? pkg.main;
  return import(pathToFileURL(join(dir, entry)).href);
}

function labelsOf(i) {
  return {
    mcp_method_name: METHODS[i % METHODS.length],
    gen_ai_tool_name: `tool_${i}`,
    error_type: i % 10 === 0 ? 'tool_error' : '',
    network_transport: i % 2 ? 'pipe' : 'tcp',
  };
}
const value = (i, k) => ((i * 7919 + k * 104729) % 100000) / 1000;

if (typeof gc !== 'function') throw new Error('run with --expose-gc');

function memory() {
  gc();
  gc();
  const m = process.memoryUsage();
  const spaces = {};
  for (const s of getHeapSpaceStatistics()) {
    spaces[s.space_name] = { size: s.space_size, used: s.space_used_size };
  }
  const h = getHeapStatistics();
  return {
    ...m,
    maxRSS: process.resourceUsage().maxRSS * 1024,
    heapPhysical: h.total_physical_size,
    malloced: h.malloced_memory,
    smaps: smaps(),
    spaces,
  };
}

/** Each setup: `handler(req, res)` serving the exposition and `record(i, attributes, value)`. */
async function setup() {
  const { MeterProvider } = await load('@opentelemetry/sdk-metrics');
  switch (exporter) {
    case 'mcpmeter': {
      // As register() builds it with its defaults: FastHistograms (the semconv
      // histograms aggregated by mcpmeter), exemplars on, the PrometheusReader
      // with FastHistograms' producer, createMetricsHandler.
      const { FastHistograms } = await load('@mcpmeter/node');
      const { ExemplarStore, withExemplars } = await load('@mcpmeter/core');
      const { PrometheusReader, createMetricsHandler } = await load('@mcpmeter/prometheus');
      const { AggregationTemporality } = await load('@opentelemetry/sdk-metrics');
      const limit = SERIES + 1;
      const exemplars = new ExemplarStore();
      const fast = new FastHistograms({
        histograms: [{ name: NAME, boundaries: BOUNDARIES }],
        cardinalityLimit: limit,
        exemplars,
      });
      const reader = new PrometheusReader({
        exemplars,
        cardinalitySelector: () => limit,
        metricProducers: [fast.producer(AggregationTemporality.CUMULATIVE)],
      });
      const provider = fast.wrap(
        withExemplars(new MeterProvider({ readers: [reader] }), exemplars),
      );
      const h = provider.getMeter('bench').createHistogram(NAME, {
        unit: 's',
        advice: { explicitBucketBoundaries: BOUNDARIES },
      });
      return { handler: createMetricsHandler(reader), record: (v, a) => h.record(v, a) };
    }
    case 'official': {
      // The official exporter as its README sets it up, its request handler on our
      // server (its own server cannot listen on port 0: 0 falls back to 9464).
      const { PrometheusExporter } = await load('@opentelemetry/exporter-prometheus');
      const exp = new PrometheusExporter({ preventServerStart: true });
      const provider = new MeterProvider({
        readers: [exp],
        views: [{ instrumentName: '*', aggregationCardinalityLimit: SERIES + 1 }],
      });
      const h = provider.getMeter('bench').createHistogram(NAME, {
        unit: 's',
        advice: { explicitBucketBoundaries: BOUNDARIES },
      });
      return {
        handler: (req, res) => exp.getMetricsRequestHandler(req, res),
        record: (v, a) => h.record(v, a),
      };
    }
    case 'prom-client': {
      // README: a Histogram on the registry; `res.end(await register.metrics())`.
      const client = (await load('prom-client')).default;
      const register = new client.Registry();
      const ph = new client.Histogram({
        name: 'mcp_server_operation_duration_seconds',
        help: 'Duration',
        labelNames: ['mcp_method_name', 'gen_ai_tool_name', 'error_type', 'network_transport'],
        buckets: BOUNDARIES,
        registers: [register],
      });
      return {
        handler: async (req, res) => {
          res.setHeader('Content-Type', register.contentType);
          res.end(await register.metrics());
        },
        record: (v, a) => ph.observe(a, v),
      };
    }
    default:
      throw new Error(`unknown exporter ${exporter}`);
  }
}

const { handler, record } = await setup();
const attrs = [];
for (let i = 0; i < SERIES; i++) attrs.push(Object.freeze(labelsOf(i)));

const scrapes = [];
const gcs = { minor: 0, major: 0, other: 0, ms: 0 };
let counting = false;
new PerformanceObserver((list) => {
  if (!counting) return;
  for (const e of list.getEntries()) {
    const kind = e.detail?.kind;
    if (kind === 1) gcs.minor++;
    else if (kind === 4) gcs.major++;
    else gcs.other++;
    gcs.ms += e.duration;
  }
}).observe({ entryTypes: ['gc'] });
const server = createServer((req, res) => {
  const cpu0 = process.cpuUsage();
  const t0 = performance.now();
  res.on('finish', () => {
    const cpu = process.cpuUsage(cpu0);
    scrapes.push({ cpuMs: (cpu.user + cpu.system) / 1000, ms: performance.now() - t0 });
    if (process.env.BENCH_TRACE) {
      setImmediate(() => {
        const m = memory();
        process.stderr.write(
          `  scrape ${scrapes.length}: rss ${(m.rss / 2 ** 20).toFixed(0)} heapTotal ${(m.heapTotal / 2 ** 20).toFixed(0)} ${JSON.stringify(m.smaps)}\n`,
        );
      });
    }
  });
  handler(req, res);
});
await new Promise((r) => server.listen(0, '127.0.0.1', r));

const before = memory();
for (let i = 0; i < SERIES; i++) for (let k = 0; k < 5; k++) record(value(i, k), attrs[i]);
const series = memory();

process.on('message', async (msg) => {
  if (msg === 'report') {
    counting = false;
    const rssNoGc = process.memoryUsage().rss;
    const after = memory();
    // What V8 gives back when it reduces memory (as its memory reducer does in
    // a process that has gone idle): new space shrunk, free pages released.
    gc({ type: 'major', execution: 'sync', flavor: 'last-resort' });
    const reduced = memory();
    let idle;
    if (process.env.BENCH_IDLE_MS) {
      await new Promise((r) => setTimeout(r, Number(process.env.BENCH_IDLE_MS)));
      idle = { rss: process.memoryUsage().rss, smaps: smaps() };
    }
    process.send({
      type: 'report',
      before,
      series,
      after: { ...after, rssNoGc },
      reduced,
      idle,
      scrapes,
      gcs,
    });
    server.close();
    process.disconnect();
  }
});
counting = true;
process.send({ type: 'ready', port: server.address().port });
