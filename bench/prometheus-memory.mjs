// Exposition memory at 10,000 series (issue 20): each exporter in its own fresh
// child process (bench/prometheus-memory-child.mjs) records the same 10,000
// histogram series and serves /metrics on 127.0.0.1; this process scrapes it
// over HTTP. Heap after GC before and after the series exist, RSS and peak RSS
// after the series and after the scrapes, external / arrayBuffers, CPU and wall
// time per scrape. Exporters interleaved in rounds (shuffled in each).
//
//   pnpm build && node bench/prometheus-memory.mjs [--write] [--rounds N] [--scrapes N] [--no-variants]
//   --only a,b          only these rows; a row is an exporter (mcpmeter, official, prom-client)
//                       with `+--v8-flag` or `+ENV=value` for an A/B variant
//   BENCH_COMPARE_ROOT=/other/checkout   adds a row of that checkout's mcpmeter build (e.g. main)
//   BENCH_TRACE=1       memory after each scrape on stderr
import { fork } from 'node:child_process';
import { request } from 'node:http';
import { resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { machine } from './prometheus-common.mjs';

const arg = (name, fallback) => {
  const i = process.argv.indexOf(name);
  return i === -1 ? fallback : process.argv[i + 1];
};
const ROUNDS = Number(arg('--rounds', process.env.BENCH_ROUNDS ?? 5));
const SCRAPES = Number(arg('--scrapes', 5));
const ONLY = arg('--only', undefined)?.split(',');
const CHILD = fileURLToPath(new URL('./prometheus-memory-child.mjs', import.meta.url));
const COMPARE_ROOT = process.env.BENCH_COMPARE_ROOT
  ? resolve(process.env.BENCH_COMPARE_ROOT)
  : undefined;
// A/B variants measured next to the defaults: V8's young generation capped
// (the largest part of every exporter's RSS right after the scrapes).
const VARIANTS = ['mcpmeter+--max-semi-space-size=16', 'official+--max-semi-space-size=16'];
const names = ONLY ?? [
  'mcpmeter',
  'official',
  'prom-client',
  ...(COMPARE_ROOT ? ['mcpmeter@compare'] : []),
  ...(process.argv.includes('--no-variants') ? [] : VARIANTS),
];
const EXPORTERS = names.map((name) => {
  const [spec, ...flags] = name.split('+');
  const [exporter, at] = spec.split('@');
  if (at === 'compare') flags.push(`BENCH_MCPMETER_ROOT=${COMPARE_ROOT}`);
  return { name, exporter, flags };
});
const SERIES = 10_000;

function scrape(port) {
  return new Promise((resolve, reject) => {
    const t0 = performance.now();
    const req = request({ host: '127.0.0.1', port, path: '/metrics' }, (res) => {
      let bytes = 0;
      res.on('data', (c) => (bytes += c.length));
      res.on('end', () => resolve({ status: res.statusCode, bytes, ms: performance.now() - t0 }));
      res.on('error', reject);
    });
    req.setTimeout(120_000, () => req.destroy(new Error('scrape timed out')));
    req.on('error', reject);
    req.end();
  });
}

async function runOnce({ exporter, flags }) {
  const execArgv = ['--expose-gc'];
  const env = { ...process.env };
  delete env.NODE_OPTIONS;
  for (const f of flags) {
    if (f.startsWith('--')) execArgv.push(f);
    else {
      const [k, v] = f.split('=');
      env[k] = v;
    }
  }
  const child = fork(CHILD, [exporter], {
    execArgv,
    env,
    stdio: ['ignore', 'ignore', 'inherit', 'ipc'],
  });
  const messages = [];
  let wake;
  child.on('message', (m) => {
    messages.push(m);
    wake?.();
  });
  const next = async () => {
    const deadline = Date.now() + 300_000;
    while (messages.length === 0) {
      if (Date.now() > deadline) throw new Error(`${exporter}: child did not answer`);
      await new Promise((r) => {
        wake = r;
        setTimeout(r, 1000);
      });
    }
    return messages.shift();
  };
  const exited = new Promise((r) => child.on('exit', r));
  const ready = await next();
  const wall = [];
  let bytes = 0;
  for (let i = 0; i < SCRAPES; i++) {
    const r = await scrape(ready.port);
    if (r.status !== 200) throw new Error(`${exporter}: scrape answered ${r.status}`);
    wall.push(r.ms);
    bytes = r.bytes;
  }
  child.send('report');
  const report = await next();
  await exited;
  return { ...report, wall, bytes };
}

const median = (xs) => {
  const s = [...xs].sort((a, b) => a - b);
  const n = s.length;
  return n % 2 ? s[(n - 1) / 2] : (s[n / 2 - 1] + s[n / 2]) / 2;
};
const shuffle = (xs) => {
  const a = [...xs];
  for (let i = a.length - 1; i > 0; i--) {
    const j = Math.floor(Math.random() * (i + 1));
    [a[i], a[j]] = [a[j], a[i]];
  }
  return a;
};

const m = machine();
const runs = new Map(EXPORTERS.map((e) => [e.name, []]));
for (let round = 0; round < ROUNDS; round++) {
  for (const e of shuffle(EXPORTERS)) {
    const r = await runOnce(e);
    runs.get(e.name).push(r);
    process.stderr.write(
      `round ${round + 1} ${e.name}: reduced rss ${(r.reduced.rss / 2 ** 20).toFixed(0)} MiB (heap ${(r.reduced.heapPhysical / 2 ** 20).toFixed(0)}, brk ${(r.reduced.smaps.brk / 1024).toFixed(0)})${r.idle ? ` idle ${(r.idle.rss / 2 ** 20).toFixed(0)}` : ''}, heap/series ${((r.series.heapUsed - r.before.heapUsed) / SERIES) | 0} B, rss ${(r.series.rss / 2 ** 20).toFixed(0)} → ${(r.after.rss / 2 ** 20).toFixed(0)} MiB, peak ${(r.after.maxRSS / 2 ** 20).toFixed(0)} MiB, scrape cpu ${median(r.scrapes.map((s) => s.cpuMs)).toFixed(0)} ms\n`,
    );
  }
}

const MiB = (b) => (b / 2 ** 20).toFixed(1);
const KiB = 1024;
const rows = [];
for (const e of EXPORTERS) {
  const rs = runs.get(e.name);
  const med = (f) => median(rs.map(f));
  rows.push({
    name: e.name,
    heapPerSeries: med((r) => (r.series.heapUsed - r.before.heapUsed) / SERIES),
    heapPerSeriesAfter: med((r) => (r.after.heapUsed - r.before.heapUsed) / SERIES),
    rssBefore: med((r) => r.before.rss),
    rssSeries: med((r) => r.series.rss),
    rssAfter: med((r) => r.after.rss),
    peakAfter: med((r) => r.after.maxRSS),
    heapTotalAfter: med((r) => r.after.heapTotal),
    heapUsedAfter: med((r) => r.after.heapUsed),
    heapPhysicalAfter: med((r) => r.after.heapPhysical),
    newSpaceAfter: med((r) => r.after.spaces.new_space.size),
    oldSpaceAfter: med(
      (r) => r.after.spaces.old_space.size + r.after.spaces.large_object_space.size,
    ),
    brkAfter: med((r) => r.after.smaps.brk * KiB),
    rssReduced: med((r) => r.reduced.rss),
    heapPhysicalReduced: med((r) => r.reduced.heapPhysical),
    brkReduced: med((r) => r.reduced.smaps.brk * KiB),
    otherAnonReduced: med((r) => r.reduced.smaps.anon * KiB - r.reduced.heapPhysical),
    brkSeries: med((r) => r.series.smaps.brk * KiB),
    otherAnonAfter: med((r) => r.after.smaps.anon * KiB - r.after.heapPhysical),
    fileAfter: med((r) => r.after.smaps.file * KiB),
    externalAfter: med((r) => r.after.external),
    arrayBuffersAfter: med((r) => r.after.arrayBuffers),
    minorGcs: med((r) => r.gcs.minor / SCRAPES),
    majorGcs: med((r) => r.gcs.major / SCRAPES),
    cpuMs: med((r) => median(r.scrapes.map((x) => x.cpuMs))),
    wallMs: med((r) => median(r.wall)),
    bytes: med((r) => r.bytes),
  });
}
const by = Object.fromEntries(rows.map((r) => [r.name, r]));
const ours = by.mcpmeter;
const official = by.official;
const prom = by['prom-client'];
const verdict = (ok) => (ok ? '**met**' : '**not met**');
const label = (name) =>
  name === 'mcpmeter@compare'
    ? `mcpmeter, the build in ${COMPARE_ROOT}`
    : name.replace(/\+(.*)$/, ' with `$1`').replace('@compare', '');

const md = `## Exposition memory at 10,000 series (issue 20)

\`node bench/prometheus-memory.mjs --write\` — ${m.date}; machine: ${m.nproc} cores (\`nproc\`), ${m.cpu}, Node ${m.node}; 1-minute load average at the start ${m.load}.

Each exporter runs in its own fresh child process (\`bench/prometheus-memory-child.mjs\`, \`--expose-gc\`): it builds its setup behind a \`node:http\` server on 127.0.0.1 (port 0), records the same ${SERIES.toLocaleString('en-US')} histogram series (14 buckets, 4 labels, 5 observations each; the attribute objects, frozen as instrumentations cache them, exist before the first measurement), then this process scrapes \`/metrics\` ${SCRAPES} times over HTTP, one after another (no \`Accept\` header: text 0.0.4 from all three). ${ROUNDS} rounds, rows shuffled in each round; medians over rounds.

- **mcpmeter** as \`register()\` builds it with its defaults: \`FastHistograms\` (the semconv histograms aggregated by mcpmeter) feeding \`PrometheusReader\` through its producer, exemplars on (an \`ExemplarStore\`, \`withExemplars\`), \`createMetricsHandler(reader)\`.
- **official**: \`new PrometheusExporter({ preventServerStart: true })\` as the \`MeterProvider\`'s reader (a view raising the cardinality limit to ${(SERIES + 1).toLocaleString('en-US')}), its \`getMetricsRequestHandler\` on the server (its own server cannot take port 0: 0 means 9464).
- **prom-client**: a \`Histogram\` on a \`Registry\`, \`res.end(await register.metrics())\` as its README shows.
${COMPARE_ROOT ? `- **mcpmeter, the build in ${COMPARE_ROOT}**: the same setup from that checkout's \`dist\` (\`BENCH_COMPARE_ROOT\`), for the before/after of this branch.\n` : ''}- Rows "with \`--max-semi-space-size=16\`": the same exporter with V8's young generation capped at 16 MiB per semi-space (default here: 64 MiB), an A/B of where the RSS right after the scrapes goes.

Heap: \`process.memoryUsage().heapUsed\` after two \`gc()\`, before and after the series are recorded (and again after the scrapes: label caches and whatever else a scrape keeps), divided by the number of series. RSS: \`process.memoryUsage().rss\` after \`gc()\`; "settled": after one memory-reducing GC (\`gc({ type: 'major', flavor: 'last-resort' })\`, what V8's memory reducer does once a process goes idle: young generation shrunk, free pages given back), i.e. what the process keeps between scrapes; peak: \`process.resourceUsage().maxRSS\`. Scrape CPU: the child's \`process.cpuUsage()\` from the request to the response's \`finish\` (its whole process: serialization, GC, the socket writes); wall: request to last byte in this process.

| exporter | heap per series, B | … after the scrapes, B | RSS after setup, MiB | RSS with the series | RSS after ${SCRAPES} scrapes | … settled | peak RSS | CPU per scrape, ms | wall per scrape, ms | body MB |
|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|
${rows
  .map(
    (r) =>
      `| ${label(r.name)} | ${r.heapPerSeries.toFixed(0)} | ${r.heapPerSeriesAfter.toFixed(0)} | ${MiB(r.rssBefore)} | ${MiB(r.rssSeries)} | ${MiB(r.rssAfter)} | ${MiB(r.rssReduced)} | ${MiB(r.peakAfter)} | ${r.cpuMs.toFixed(1)} | ${r.wallMs.toFixed(1)} | ${(r.bytes / 1e6).toFixed(1)} |`,
  )
  .join('\n')}

Where the RSS is (MiB; the V8 heap from \`v8.getHeapStatistics().total_physical_size\` and \`getHeapSpaceStatistics()\`, the rest from \`/proc/self/smaps\`: \`[heap]\` is glibc malloc's main arena, where Buffers' memory and other native allocations of the main thread live; "other anonymous" is anonymous mappings that are not V8 heap: V8's pooled free pages, large malloc chunks, thread arenas):

| exporter | RSS after the scrapes | V8 heap resident | new space (size) | old + large-object (size) | heapUsed | malloc \`[heap]\` (with the series) | other anonymous | files (node, libraries) | external / arrayBuffers | scavenges / mark-compacts per scrape | settled RSS | … V8 heap | … malloc \`[heap]\` | … other anonymous |
|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|
${rows
  .map(
    (r) =>
      `| ${label(r.name)} | ${MiB(r.rssAfter)} | ${MiB(r.heapPhysicalAfter)} | ${MiB(r.newSpaceAfter)} | ${MiB(r.oldSpaceAfter)} | ${MiB(r.heapUsedAfter)} | ${MiB(r.brkAfter)} (${MiB(r.brkSeries)}) | ${MiB(r.otherAnonAfter)} | ${MiB(r.fileAfter)} | ${MiB(r.externalAfter)} / ${MiB(r.arrayBuffersAfter)} | ${r.minorGcs.toFixed(1)} / ${r.majorGcs.toFixed(1)} | ${MiB(r.rssReduced)} | ${MiB(r.heapPhysicalReduced)} | ${MiB(r.brkReduced)} | ${MiB(r.otherAnonReduced)} |`,
  )
  .join('\n')}

Aims of issue 20, from this run (mcpmeter vs the official exporter; the speed ratios on CPU time):
- heap per series at or below the official exporter's: ${ours.heapPerSeries.toFixed(0)} B vs ${official.heapPerSeries.toFixed(0)} B ${verdict(ours.heapPerSeries <= official.heapPerSeries)}; after the scrapes ${ours.heapPerSeriesAfter.toFixed(0)} B vs ${official.heapPerSeriesAfter.toFixed(0)} B ${verdict(ours.heapPerSeriesAfter <= official.heapPerSeriesAfter)}.
- RSS at or below the official exporter's: with the series ${MiB(ours.rssSeries)} vs ${MiB(official.rssSeries)} MiB ${verdict(ours.rssSeries <= official.rssSeries)}; settled after the scrapes ${MiB(ours.rssReduced)} vs ${MiB(official.rssReduced)} MiB ${verdict(ours.rssReduced <= official.rssReduced)}; right after the scrapes ${MiB(ours.rssAfter)} vs ${MiB(official.rssAfter)} MiB ${verdict(ours.rssAfter <= official.rssAfter)}; peak ${MiB(ours.peakAfter)} vs ${MiB(official.peakAfter)} MiB ${verdict(ours.peakAfter <= official.peakAfter)}.
- scrape ≥ 8× faster than the official exporter: ${(official.cpuMs / ours.cpuMs).toFixed(1)}× CPU (${(official.wallMs / ours.wallMs).toFixed(1)}× wall) ${verdict(official.cpuMs / ours.cpuMs >= 8)}; ≥ 2× prom-client: ${(prom.cpuMs / ours.cpuMs).toFixed(1)}× CPU (${(prom.wallMs / ours.wallMs).toFixed(1)}× wall) ${verdict(prom.cpuMs / ours.cpuMs >= 2)}.
`;

console.log(md);
if (process.argv.includes('--write')) {
  const { writeSection } = await import('./prometheus-common.mjs');
  console.log(
    `written to ${await writeSection(md, 'Exposition memory at 10,000 series (issue 20)')}`,
  );
}
