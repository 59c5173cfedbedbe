// Cold start of a stdio MCP server (issue 20): spawn → the reply to the first
// `tools/call`, and the server's peak RSS at that reply, for plain node, node with
// `--import @mcpmeter/node/register` (defaults, traces off and on) and the peers of
// issue 20 as their docs set them up: OpenTelemetry's `--import
// @opentelemetry/auto-instrumentations-node/register`, Sentry (`--import` of an
// instrument file calling `Sentry.init`) and Traceloop (`--import` of a file calling
// `traceloop.initialize`), each resolved from bench/ (its devDependencies).
// Setups run interleaved (shuffled in every round); the figures are medians of
// the per-round differences to plain node of the same round.
//
//   pnpm build && node bench/cold-start.mjs [--write] [--rounds N]
//   BENCH_COMPARE_ROOT=/path/to/other/checkout   adds its mcpmeter rows (built there)
//   BENCH_ONLY=mcpmeter,plain    only the setups whose name contains one of these (plain node always)
import { spawn } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { createServer } from 'node:http';
import os from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { writeSection } from './doc-section.mjs';

const BENCH = dirname(fileURLToPath(import.meta.url));
const ROOT = join(BENCH, '..');
const SERVER = join(ROOT, 'bench/cold-start-server.mjs');
const arg = (name, fallback) => {
  const i = process.argv.indexOf(name);
  return i === -1 ? fallback : process.argv[i + 1];
};
const ROUNDS = Number(arg('--rounds', process.env.BENCH_ROUNDS ?? 15));
const COMPARE_ROOT = process.env.BENCH_COMPARE_ROOT
  ? resolve(process.env.BENCH_COMPARE_ROOT)
  : undefined;

// A sink that accepts OTLP/HTTP (traces, metrics) so exporters see a live collector.
const sink = createServer((req, res) => {
  req.resume();
  req.on('end', () => res.writeHead(200, { 'content-type': 'application/x-protobuf' }).end());
});
await new Promise((r) => sink.listen(0, '127.0.0.1', r));
const endpoint = `http://127.0.0.1:${sink.address().port}`;

const base = {
  ...process.env,
  OTEL_SERVICE_NAME: 'cold-start',
  OTEL_EXPORTER_OTLP_ENDPOINT: endpoint,
  // port 0: no clash with anything else on the machine listening on 9464
  OTEL_EXPORTER_PROMETHEUS_PORT: '0',
  // read by the peers' --import files (bench/cold-start-sentry.mjs, -traceloop.mjs)
  BENCH_SINK_URL: endpoint,
  BENCH_SENTRY_DSN: `http://public@127.0.0.1:${sink.address().port}/1`,
};
delete base.NODE_OPTIONS;
const mcpmeter = (label, root) => [
  {
    name: `${label}mcpmeter, traces off`,
    cwd: root,
    args: ['--import', '@mcpmeter/node/register'],
    env: { OTEL_TRACES_EXPORTER: 'none' },
  },
  {
    name: `${label}mcpmeter, traces on (OTLP)`,
    cwd: root,
    args: ['--import', '@mcpmeter/node/register'],
    env: {},
  },
];
const AUTO = 'OTel auto-instrumentations-node';
const ONLY = process.env.BENCH_ONLY?.split(',');
const SETUPS = [
  { name: 'plain node', cwd: ROOT, args: [], env: {} },
  ...mcpmeter('', ROOT),
  ...(COMPARE_ROOT
    ? mcpmeter(`${process.env.BENCH_COMPARE_LABEL ?? 'compare'}: `, COMPARE_ROOT)
    : []),
  // The peers run from bench/, so their --import specifiers resolve in bench/node_modules.
  {
    name: AUTO,
    cwd: BENCH,
    args: ['--import', '@opentelemetry/auto-instrumentations-node/register'],
    env: {},
  },
  {
    name: 'Sentry (@sentry/node, tracesSampleRate 1)',
    cwd: BENCH,
    args: ['--import', './cold-start-sentry.mjs'],
    env: {},
  },
  {
    name: 'Traceloop (@traceloop/node-server-sdk)',
    cwd: BENCH,
    args: ['--import', './cold-start-traceloop.mjs'],
    env: {},
  },
].filter((s, i) => i === 0 || !ONLY || ONLY.some((o) => s.name.includes(o)));

const MESSAGES = [
  {
    jsonrpc: '2.0',
    id: 1,
    method: 'initialize',
    params: {
      protocolVersion: '2025-06-18',
      capabilities: {},
      clientInfo: { name: 'bench', version: '1.0.0' },
    },
  },
  { jsonrpc: '2.0', method: 'notifications/initialized' },
  {
    jsonrpc: '2.0',
    id: 2,
    method: 'tools/call',
    params: { name: 'peak_rss', arguments: { unit: 'KiB' } },
  },
]
  .map((m) => JSON.stringify(m) + '\n')
  .join('');

/** One cold start: ms from spawn to the tools/call reply, and the server's peak RSS (KiB). */
function once(setup) {
  return new Promise((done, fail) => {
    const t0 = performance.now();
    const child = spawn(process.execPath, [...setup.args, SERVER], {
      cwd: setup.cwd,
      env: { ...base, ...setup.env },
      stdio: ['pipe', 'pipe', 'pipe'],
    });
    let out = '';
    let err = '';
    let result;
    child.stdin.end(MESSAGES);
    child.stderr.on('data', (d) => (err += d));
    child.stdout.on('data', (d) => {
      out += d;
      for (let i; result === undefined && (i = out.indexOf('\n')) !== -1;) {
        const line = out.slice(0, i);
        out = out.slice(i + 1);
        const msg = JSON.parse(line);
        if (msg.id !== 2) continue;
        const ms = performance.now() - t0;
        const { maxRSS, cpu } = JSON.parse(msg.result.content[0].text);
        result = { ms, rssKiB: maxRSS, cpuMs: cpu / 1000 };
        child.kill('SIGKILL');
      }
    });
    child.on('exit', () =>
      result ? done(result) : fail(new Error(`${setup.name}: no reply; stderr: ${err}`)),
    );
  });
}

const median = (xs) => {
  const s = [...xs].sort((a, b) => a - b);
  const m = s.length >> 1;
  return s.length % 2 ? s[m] : (s[m - 1] + s[m]) / 2;
};
const shuffle = (xs) => {
  const a = [...xs];
  for (let i = a.length - 1; i > 0; i--) {
    const j = Math.floor(Math.random() * (i + 1));
    [a[i], a[j]] = [a[j], a[i]];
  }
  return a;
};

const load = os.loadavg()[0].toFixed(1);
// Warm the file cache once; a setup that cannot start is left out and said in the section.
const failed = [];
for (const s of [...SETUPS]) {
  try {
    await once(s);
  } catch (err) {
    failed.push({ name: s.name, error: err.message.split('\n').slice(0, 3).join(' ') });
    SETUPS.splice(SETUPS.indexOf(s), 1);
  }
}
const runs = new Map(SETUPS.map((s) => [s.name, []]));
for (let r = 0; r < ROUNDS; r++) {
  for (const s of shuffle(SETUPS)) runs.get(s.name).push(await once(s));
  process.stderr.write(`round ${r + 1}/${ROUNDS}\n`);
}
sink.close();

const plain = runs.get(SETUPS[0].name);
const rows = SETUPS.map((s) => {
  const rs = runs.get(s.name);
  return {
    name: s.name,
    ms: median(rs.map((x) => x.ms)),
    dMs: median(rs.map((x, i) => x.ms - plain[i].ms)),
    ratio: median(rs.map((x, i) => x.ms / plain[i].ms)),
    cpu: median(rs.map((x) => x.cpuMs)),
    dCpu: median(rs.map((x, i) => x.cpuMs - plain[i].cpuMs)),
    mib: median(rs.map((x) => x.rssKiB / 1024)),
    dMib: median(rs.map((x, i) => (x.rssKiB - plain[i].rssKiB) / 1024)),
  };
});
const cpu = readFileSync('/proc/cpuinfo', 'utf8')
  .match(/^model name\s*:\s*(.*)$/m)?.[1]
  ?.trim();
const f1 = (x) => x.toFixed(1);
const sign = (x) => (x >= 0 ? '+' : '−') + f1(Math.abs(x));
const md = `## Cold start

\`node bench/cold-start.mjs --write\` — ${new Date().toISOString().slice(0, 10)}; machine: ${os.availableParallelism()} cores, ${cpu}, Node ${process.version}; 1-minute load average at the start ${load} (the machine was shared with other work: compare the rows of one run, not runs).
A stdio MCP server (\`bench/cold-start-server.mjs\`, \`@modelcontextprotocol/sdk\` + zod, one tool) is spawned, sent \`initialize\`, \`notifications/initialized\` and one \`tools/call\` at once; time from spawn to the \`tools/call\` reply, the server's CPU time (user + system) by then (steadier than wall time on a loaded machine), and its peak RSS (\`process.resourceUsage().maxRSS\`) at that reply. ${ROUNDS} rounds, setups shuffled in each round, each start in a fresh process; medians, and medians of the per-round difference and ratio to plain node. mcpmeter with its defaults (\`--import @mcpmeter/node/register\`: Prometheus on a side port, runtime metrics, MCP and LLM instrumentations installed); "traces off" is \`OTEL_TRACES_EXPORTER=none\`, "traces on" OTLP/HTTP protobuf to a local sink. The peers as their docs set them up, resolved from \`bench/\`'s devDependencies, spans to the same local sink (an HTTP server on 127.0.0.1 answering 200 to everything): auto-instrumentations-node with its defaults (\`--import @opentelemetry/auto-instrumentations-node/register\`, OTLP traces, every bundled instrumentation); Sentry's ESM guide (\`--import\` of \`bench/cold-start-sentry.mjs\`: \`Sentry.init({ dsn, tracesSampleRate: 1.0 })\`, the DSN on the sink); Traceloop's quick start (\`--import\` of \`bench/cold-start-traceloop.mjs\`: \`traceloop.initialize({ appName, baseUrl: sink, silenceInitializationMessage: true })\` — its start-up line would otherwise go to stdout, the stdio channel).

| setup | spawn → first reply ms | over plain node ms | ratio | CPU ms | over plain node | peak RSS MiB | over plain node MiB |
| --- | ---: | ---: | ---: | ---: | ---: | ---: | ---: |
${rows.map((r) => `| ${r.name} | ${f1(r.ms)} | ${r === rows[0] ? '—' : sign(r.dMs)} | ${r === rows[0] ? '—' : r.ratio.toFixed(2) + '×'} | ${f1(r.cpu)} | ${r === rows[0] ? '—' : sign(r.dCpu)} | ${f1(r.mib)} | ${r === rows[0] ? '—' : sign(r.dMib)} |`).join('\n')}

${failed.map((f) => `\n${f.name}: could not run (left out): ${f.error}\n`).join('')}
Aim (issue 20): ≤ +100 ms and ≤ +20 MiB over plain node, traces off and on, and below auto-instrumentations-node on both. The wall time of a start on this shared machine is inflated by the other work on it; the CPU time the child used is the steadier measure of the same start, so both are judged.
${verdicts()}
`;
process.stdout.write(md);

/** One line per mcpmeter row of this checkout: which parts of the aim this run shows met. */
function verdicts() {
  const auto = rows.find((r) => r.name === AUTO);
  const peers = rows.filter((r) => r !== rows[0] && !r.name.includes('mcpmeter'));
  const part = (ok, what) => `${what} ${ok ? 'met' : '**not met**'}`;
  return rows
    .filter((r) => r.name.startsWith('mcpmeter'))
    .map(
      (r) =>
        `- ${r.name}: ${[
          part(r.dMs <= 100, `wall ${sign(r.dMs)} ms ≤ +100 ms`),
          part(r.dCpu <= 100, `CPU ${sign(r.dCpu)} ms ≤ +100 ms`),
          part(r.dMib <= 20, `${sign(r.dMib)} MiB ≤ +20 MiB`),
          ...(auto
            ? [
                part(
                  r.dMs < auto.dMs && r.dCpu < auto.dCpu,
                  'below auto-instrumentations-node in wall time and CPU',
                ),
                part(r.dMib < auto.dMib, 'below it in RSS'),
              ]
            : []),
          ...(peers.length > 1
            ? [
                part(
                  peers.every((p) => r.dCpu < p.dCpu && r.dMib < p.dMib),
                  `below every peer of this run (${peers.map((p) => p.name.split(' ')[0]).join(', ')}) in CPU and RSS`,
                ),
              ]
            : []),
        ].join('; ')}.`,
    )
    .join('\n');
}
if (process.argv.includes('--write')) {
  const file = await writeSection('Cold start', md);
  process.stderr.write(`wrote ${file}\n`);
}
