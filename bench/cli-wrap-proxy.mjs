// `mcpmeter wrap` and `mcpmeter proxy` against direct, side by side in one run:
// added latency and CPU per `tools/call` (an echo tool on SDK 1.x).
//
// Eight setups live at once: a stdio server direct, through a bare Node pipe relay
// (the floor), through wrap (metrics only) and through wrap with spans exported over
// OTLP; a Streamable HTTP server (stateful, SSE replies) direct, through a bare Node
// reverse proxy (the floor), through proxy and through proxy with spans. They take turns
// in blocks of sequential calls (order rotated each round). Latency is each call's
// round trip seen by the client; CPU is user + system time per call of every
// process involved (this client process, the server, wrap/proxy), read from
// process.cpuUsage() and /proc/<pid>/stat. Run: `pnpm build && node bench/cli-wrap-proxy.mjs [--write]`.
import { spawn } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { createServer } from 'node:http';
import { createRequire } from 'node:module';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { ROOT, machine } from './prometheus-common.mjs';
import { writeSection } from './doc-section.mjs';

const cliRequire = createRequire(join(ROOT, 'packages/cli/package.json'));
const load = (name) => import(pathToFileURL(cliRequire.resolve(name)).href);
const { Client } = await load('@modelcontextprotocol/sdk/client/index.js');
const { StdioClientTransport } = await load('@modelcontextprotocol/sdk/client/stdio.js');
const { StreamableHTTPClientTransport } = await load(
  '@modelcontextprotocol/sdk/client/streamableHttp.js',
);

const BIN = join(ROOT, 'packages/cli/dist/bin.mjs');
const SERVER = join(ROOT, 'packages/cli/test/fixtures/sdk-server.mjs');
const CWD = join(ROOT, 'packages/cli');
const BLOCK = Number(process.env.BENCH_BLOCK ?? 200);
const ROUNDS = Number(process.env.BENCH_ROUNDS ?? 15);
const WARMUP = Number(process.env.BENCH_WARMUP ?? 500);
const TICK_US = 1e6 / 100; // USER_HZ

// A do-nothing OTLP receiver, so that spans are exported for real.
const sink = createServer((req, res) => {
  req.resume();
  req.on('end', () => res.writeHead(200, { 'content-type': 'application/x-protobuf' }).end());
});
await new Promise((r) => sink.listen(0, '127.0.0.1', r));
const sinkUrl = `http://127.0.0.1:${sink.address().port}/v1/traces`;

const baseEnv = {
  ...process.env,
  OTEL_TRACES_EXPORTER: 'none',
  OTEL_EXPORTER_PROMETHEUS_HOST: '127.0.0.1',
  OTEL_EXPORTER_PROMETHEUS_PORT: '0',
  MCPMETER_RUNTIME_METRICS: 'false',
};
const spanEnv = {
  ...baseEnv,
  OTEL_TRACES_EXPORTER: 'otlp',
  OTEL_EXPORTER_OTLP_TRACES_ENDPOINT: sinkUrl,
};

const children = [];
function start(args, env) {
  const child = spawn(process.execPath, args, {
    cwd: CWD,
    env,
    stdio: ['ignore', 'ignore', 'pipe'],
  });
  let err = '';
  child.stderr.on('data', (d) => (err += d));
  children.push(child);
  const waitFor = async (re) => {
    for (let i = 0; i < 400; i++) {
      const m = re.exec(err);
      if (m) return m[1];
      await new Promise((r) => setTimeout(r, 25));
    }
    throw new Error(`no ${re}: ${err}`);
  };
  return { child, waitFor };
}

function cpuOf(pid) {
  try {
    const f = readFileSync(`/proc/${pid}/stat`, 'utf8').split(') ')[1].split(' ');
    return (Number(f[11]) + Number(f[12])) * TICK_US;
  } catch {
    return 0;
  }
}
/** The pid and its descendants (wrap's server is its child). */
function tree(pid) {
  let kids = [];
  try {
    kids = readFileSync(`/proc/${pid}/task/${pid}/children`, 'utf8')
      .trim()
      .split(/\s+/)
      .filter(Boolean)
      .map(Number);
  } catch {
    /* gone */
  }
  return [pid, ...kids.flatMap(tree)];
}

// The floors: the least any relay written in Node does — a pipe each way, and a
// keep-alive reverse proxy that copies requests and responses — with no telemetry.
const BARE_RELAY = `const c = require('node:child_process').spawn(process.argv[1], process.argv.slice(2), { stdio: ['pipe', 'pipe', 'inherit'] });
process.stdin.pipe(c.stdin); c.stdout.pipe(process.stdout); c.on('exit', (code) => process.exit(code ?? 1));`;
const BARE_PROXY = `const http = require('node:http'); const t = new URL(process.argv[1]);
const agent = new http.Agent({ keepAlive: true });
http.createServer((req, res) => {
  const u = http.request({ host: t.hostname, port: t.port, path: req.url, method: req.method, headers: { ...req.headers, host: t.host }, agent }, (up) => {
    res.writeHead(up.statusCode, up.headers); up.pipe(res);
  });
  u.on('error', () => { res.writeHead(502); res.end(); });
  req.pipe(u);
}).listen(0, '127.0.0.1', function () { process.stderr.write('listening on http://127.0.0.1:' + this.address().port + t.pathname + '\\n'); });`;

async function stdioSetup(name, wrapped, env) {
  const args =
    wrapped === 'bare'
      ? ['-e', BARE_RELAY, process.execPath, SERVER]
      : wrapped
        ? [BIN, 'wrap', '--', process.execPath, SERVER]
        : [SERVER];
  const transport = new StdioClientTransport({
    command: process.execPath,
    args,
    cwd: CWD,
    env: { ...env, TRANSPORT: 'stdio' },
    stderr: 'ignore',
  });
  const client = new Client({ name: 'bench', version: '1.0.0' });
  await client.connect(transport);
  return { name, client, pids: () => tree(transport.pid), close: () => client.close() };
}

async function httpSetup(name, proxied, env) {
  const server = start([SERVER], { ...baseEnv, SESSIONS: 'stateful' });
  let url = await server.waitFor(/MCP at (\S+)/);
  const pids = [server.child.pid];
  if (proxied) {
    const proxy = start(
      proxied === 'bare'
        ? ['-e', BARE_PROXY, url]
        : [BIN, 'proxy', '--target', url, '--listen', '127.0.0.1:0'],
      env,
    );
    url = await proxy.waitFor(/listening on (\S+)/);
    pids.push(proxy.child.pid);
  }
  const client = new Client({ name: 'bench', version: '1.0.0' });
  await client.connect(new StreamableHTTPClientTransport(new URL(url)));
  return { name, client, pids: () => pids, close: () => client.close() };
}

const setups = [
  await stdioSetup('stdio direct', false, baseEnv),
  await stdioSetup('stdio, bare Node relay (floor)', 'bare', baseEnv),
  await stdioSetup('wrap (metrics)', true, baseEnv),
  await stdioSetup('wrap (metrics + spans)', true, spanEnv),
  await httpSetup('HTTP direct', false, baseEnv),
  await httpSetup('HTTP, bare Node proxy (floor)', 'bare', baseEnv),
  await httpSetup('proxy (metrics)', true, baseEnv),
  await httpSetup('proxy (metrics + spans)', true, spanEnv),
];
const m = machine();
const sdkVersion = JSON.parse(
  readFileSync(
    join(ROOT, 'packages/node/node_modules/@opentelemetry/sdk-metrics/package.json'),
    'utf8',
  ),
).version;

const call = (client, i) => client.callTool({ name: 'echo', arguments: { text: `hello ${i}` } });
for (const s of setups) for (let i = 0; i < WARMUP; i++) await call(s.client, i);

const stats = new Map(setups.map((s) => [s.name, { lat: [], cpu: 0, own: 0, calls: 0 }]));
for (let round = 0; round < ROUNDS; round++) {
  for (let k = 0; k < setups.length; k++) {
    const s = setups[(round + k) % setups.length];
    const st = stats.get(s.name);
    const pids = s.pids();
    const before = pids.map(cpuOf);
    const self = process.cpuUsage();
    for (let i = 0; i < BLOCK; i++) {
      const t = performance.now();
      await call(s.client, i);
      st.lat.push((performance.now() - t) * 1000);
    }
    const mine = process.cpuUsage(self);
    const after = pids.map(cpuOf);
    const others = after.reduce((a, v, j) => a + v - before[j], 0);
    st.cpu += mine.user + mine.system + others;
    // wrap's / proxy's own CPU: its first pid for wrap (the server is its child), the second for proxy
    if (s.name.startsWith('wrap') || s.name.includes('relay')) st.own += after[0] - before[0];
    if (s.name.startsWith('proxy') || s.name.includes('bare Node proxy'))
      st.own += after[1] - before[1];
    st.calls += BLOCK;
  }
}
for (const s of setups) await s.close();
for (const c of children) c.kill('SIGTERM');
sink.close();

const q = (a, p) => {
  const s = [...a].sort((x, y) => x - y);
  return s[Math.min(s.length - 1, Math.floor(p * s.length))];
};
const rows = setups.map((s) => {
  const st = stats.get(s.name);
  return {
    name: s.name,
    p50: q(st.lat, 0.5),
    p99: q(st.lat, 0.99),
    cpu: st.cpu / st.calls,
    own: st.own / st.calls,
  };
});
const base = (r) => rows[r.name.startsWith('wrap') || r.name.startsWith('stdio') ? 0 : 4];
const f = (n) => n.toFixed(0);
let md = `## mcpmeter wrap and proxy

Round trip of one \`tools/call\` (an echo tool, SDK 1.x client and server, each server its own process) direct
and through \`mcpmeter wrap\` (stdio) or \`mcpmeter proxy\` (Streamable HTTP, stateful, SSE replies), with
metrics only (Prometheus exposition, \`OTEL_TRACES_EXPORTER=none\`) and with every request's span exported over
OTLP/HTTP to a local receiver. The floors are the least any relay written in Node costs: a pipe each way
(\`stdin.pipe(child.stdin)\`, \`child.stdout.pipe(stdout)\`) and a keep-alive reverse proxy that copies requests
and responses, both without telemetry. All eight setups run at once and take turns in blocks of ${BLOCK} sequential calls
(order rotated each round), ${ROUNDS} rounds after ${WARMUP} warm-up calls each. CPU is user + system time of every
process involved (client, server, wrap/proxy) per call, from \`/proc\` (10 ms ticks, summed over the run); "of
which wrap/proxy" is that process alone. Run: \`pnpm build && node bench/cli-wrap-proxy.mjs\`.

Machine: ${m.cpu}, ${m.nproc} cores (shared), Node ${m.node}, OpenTelemetry JS SDK ${sdkVersion}, load average ${m.load}
at start, ${m.date}.

| setup | latency p50 µs | added p50 | latency p99 µs | CPU µs per call | added CPU | of which wrap/proxy |
| --- | ---: | ---: | ---: | ---: | ---: | ---: |
`;
for (const r of rows) {
  const b = base(r);
  const direct = r === b;
  md += `| ${r.name} | ${f(r.p50)} | ${direct ? '—' : `${f(r.p50 - b.p50)} µs`} | ${f(r.p99)} | ${f(r.cpu)} | ${direct ? '—' : `${f(r.cpu - b.cpu)} µs (${(((r.cpu - b.cpu) / b.cpu) * 100).toFixed(0)}%)`} | ${direct ? '—' : f(r.own)} |\n`;
}
const byName = Object.fromEntries(rows.map((r) => [r.name, r]));
const over = (a, b) => f(byName[a].own - byName[b].own);
md += `
In the relaying process itself, compared with its floor, wrap's telemetry (scanning each message, the
span, the histogram) costs
${over('wrap (metrics)', 'stdio, bare Node relay (floor)')} µs of CPU per call with metrics only and
${over('wrap (metrics + spans)', 'stdio, bare Node relay (floor)')} µs with every span exported; proxy's
${over('proxy (metrics)', 'HTTP, bare Node proxy (floor)')} µs and
${over('proxy (metrics + spans)', 'HTTP, bare Node proxy (floor)')} µs. The rest of the added cost is the hop
itself: one more process that reads and writes every message (wrap) or one more HTTP server and client (proxy).
Latency p99 is dominated by scheduling on this shared 2-core machine (other jobs ran alongside).
`;
process.stdout.write(md);
if (process.argv.includes('--write')) {
  const file = await writeSection('mcpmeter wrap and proxy', md);
  process.stderr.write(`wrote ${file}\n`);
}
process.exit(0);
