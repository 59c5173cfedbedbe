// MCP server CPU per `tools/call` over a real Streamable HTTP transport (issue 20):
// no instrumentation vs mcpmeter (metrics only; metrics + spans exported over OTLP/HTTP)
// vs @sentry/node (with and without its MCP wrapper), side by side in one run.
//
// Each configuration is its own server process (bench/mcp-http-server.mjs: McpServer +
// StreamableHTTPServerTransport on node:http, stateful, SSE replies, an echo tool). This
// process drives them with raw keep-alive HTTP POSTs of JSON-RPC — the same requests and
// headers the SDK's StreamableHTTPClientTransport sends, at a fraction of its client CPU —
// one sequential `tools/call` after another, and runs the sinks (OTLP/HTTP and Sentry
// envelopes) that count the spans each server sends. The servers take turns in blocks
// (order rotated each round); each reports its own process.cpuUsage() over IPC.
//
//   pnpm build && node bench/mcp-http.mjs [--write] [--rounds N] [--block N] [--only a,b]
//   BENCH_PROFILE=dir   runs every server with --cpu-prof --cpu-prof-dir=dir
//   BENCH_COMPARE_ROOT=/other/checkout   adds that checkout's mcpmeter rows (built there)
import { fork } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { Agent, createServer, request } from 'node:http';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { gunzipSync } from 'node:zlib';
import { machine } from './prometheus-common.mjs';
import { writeSection } from './doc-section.mjs';

const ROOT = join(dirname(fileURLToPath(import.meta.url)), '..');
const BENCH = join(ROOT, 'bench');
const arg = (name, fallback) => {
  const i = process.argv.indexOf(name);
  return i === -1 ? fallback : process.argv[i + 1];
};
const ROUNDS = Number(arg('--rounds', process.env.BENCH_ROUNDS ?? 15));
const BLOCK = Number(arg('--block', process.env.BENCH_BLOCK ?? 400));
const WARMUP = Number(arg('--warmup', process.env.BENCH_WARMUP ?? 1500));
const ONLY = arg('--only', undefined)?.split(',');
const PROFILE = process.env.BENCH_PROFILE;
const COMPARE_ROOT = process.env.BENCH_COMPARE_ROOT
  ? resolve(process.env.BENCH_COMPARE_ROOT)
  : undefined;
const LOAD_AT_START = machine().load;
const DEADLINE = Date.now() + Number(process.env.BENCH_MAX_SECONDS ?? 900) * 1000;

// ---- sinks ----------------------------------------------------------------------------

/** Spans received per sink path (`/<config id>/v1/traces`, `/api/<config id>/envelope/`). */
const received = new Map();
const count = (id) => {
  let c = received.get(id);
  if (!c)
    received.set(
      id,
      (c = { requests: 0, spans: 0, serverSpans: 0, toolSpans: 0, names: new Map() }),
    );
  return c;
};

/** Reads a protobuf message into [field, wireType, value] triples (value: Buffer or number). */
function* fields(buf) {
  let i = 0;
  const varint = () => {
    let v = 0;
    let mul = 1;
    for (;;) {
      const b = buf[i++];
      v += (b & 0x7f) * mul;
      if (b < 0x80) return v;
      mul *= 128;
    }
  };
  while (i < buf.length) {
    const key = varint();
    const wire = key & 7;
    const field = Math.floor(key / 8);
    if (wire === 0) {
      yield [field, wire, varint()];
      continue;
    }
    const len = wire === 1 ? 8 : wire === 5 ? 4 : wire === 2 ? varint() : -1;
    if (len < 0) throw new Error(`protobuf wire type ${wire}`);
    yield [field, wire, buf.subarray(i, i + len)];
    i += len;
  }
}
const sub = (buf, n) => [...fields(buf)].filter(([f, w]) => f === n && w === 2).map((x) => x[2]);

/** ExportTraceServiceRequest → resource_spans(1) → scope_spans(2) → spans(2): name(5), kind(6). */
function countOtlpProtobuf(c, body) {
  for (const rs of sub(body, 1))
    for (const ss of sub(rs, 2))
      for (const span of sub(ss, 2)) {
        let name = '';
        let kind = 0;
        for (const [f, w, v] of fields(span)) {
          if (f === 5 && w === 2) name = v.toString();
          if (f === 6 && w === 0) kind = v;
        }
        c.spans++;
        if (kind === 2) c.serverSpans++; // SPAN_KIND_SERVER
        if (kind === 2 && name.startsWith('tools/call')) c.toolSpans++;
        c.names.set(name, (c.names.get(name) ?? 0) + 1);
      }
}
function countOtlpJson(c, body) {
  for (const rs of JSON.parse(body.toString()).resourceSpans ?? [])
    for (const ss of rs.scopeSpans ?? [])
      for (const span of ss.spans ?? []) {
        c.spans++;
        if (span.kind === 2) c.serverSpans++;
        if (span.kind === 2 && span.name.startsWith('tools/call')) c.toolSpans++;
        c.names.set(span.name, (c.names.get(span.name) ?? 0) + 1);
      }
}
/** A Sentry envelope: header line, then item header + payload lines (span items, or transactions holding spans). */
function countSentry(c, body) {
  const lines = body.toString().split('\n');
  for (let i = 1; i + 1 < lines.length; i += 2) {
    let header;
    try {
      header = JSON.parse(lines[i]);
    } catch {
      continue;
    }
    if (header.type === 'span') {
      // Sentry 10+: span items (span.v2), `is_segment` on each request's root span
      for (const span of JSON.parse(lines[i + 1]).items ?? []) {
        c.spans++;
        if (span.is_segment) c.serverSpans++;
        if (String(span.name).startsWith('tools/call')) c.toolSpans++;
        const n = `${span.attributes?.['sentry.op']?.value} ${span.name}`;
        c.names.set(n, (c.names.get(n) ?? 0) + 1);
      }
      continue;
    }
    if (header.type !== 'transaction') continue;
    const event = JSON.parse(lines[i + 1]);
    c.spans += 1 + (event.spans?.length ?? 0);
    c.serverSpans++; // a transaction: one per request the server handled
    const name = `${event.contexts?.trace?.op} ${event.transaction}`;
    c.names.set(name, (c.names.get(name) ?? 0) + 1);
    if (String(event.transaction).startsWith('tools/call')) c.toolSpans++;
    for (const s of event.spans ?? []) {
      const n = `${s.op} ${s.description}`;
      c.names.set(n, (c.names.get(n) ?? 0) + 1);
      if (String(s.description).startsWith('tools/call')) c.toolSpans++;
    }
  }
}

/** Sentry wants a numeric project id in the DSN. */
const SENTRY_PROJECTS = { 1: 'sentry', 2: 'sentrymcp' };
const sink = createServer((req, res) => {
  const chunks = [];
  req.on('data', (d) => chunks.push(d));
  req.on('end', () => {
    let body = Buffer.concat(chunks);
    try {
      if (req.headers['content-encoding'] === 'gzip') body = gunzipSync(body);
      const otlp = /^\/([^/]+)\/v1\/traces$/.exec(req.url);
      const sentry = /^\/api\/(\d+)\/envelope\/?/.exec(req.url);
      if (otlp) {
        const c = count(otlp[1]);
        c.requests++;
        if (String(req.headers['content-type']).includes('json')) countOtlpJson(c, body);
        else countOtlpProtobuf(c, body);
        res.writeHead(200, { 'content-type': 'application/x-protobuf' }).end();
      } else if (sentry) {
        const c = count(SENTRY_PROJECTS[sentry[1]]);
        c.requests++;
        countSentry(c, body);
        res.writeHead(200, { 'content-type': 'application/json' }).end('{}');
      } else {
        res.writeHead(404).end(); // e.g. mcpmeter's hub probe
      }
    } catch (err) {
      process.stderr.write(`sink: ${req.url}: ${err}\n`);
      res.writeHead(400).end();
    }
  });
});
await new Promise((r) => sink.listen(0, '127.0.0.1', r));
const SINK = `http://127.0.0.1:${sink.address().port}`;

// ---- configurations -------------------------------------------------------------------

const clean = { ...process.env };
delete clean.NODE_OPTIONS;
for (const k of Object.keys(clean)) if (/^(OTEL_|MCPMETER_|SENTRY_)/.test(k)) delete clean[k];
const SERVER = join(BENCH, 'mcp-http-server.mjs');

/** mcpmeter's defaults: Prometheus on port 0 (no clash with other runs), everything else as shipped. */
const mcpmeter = (label, root, id) => [
  {
    id: `${id}m`,
    name: `${label}mcpmeter, metrics only`,
    group: 'mcpmeter-metrics',
    root,
    execArgv: ['--import', '@mcpmeter/node/register'],
    env: { OTEL_TRACES_EXPORTER: 'none', OTEL_EXPORTER_PROMETHEUS_PORT: '0' },
  },
  {
    id: `${id}s`,
    name: `${label}mcpmeter, metrics + spans (OTLP/HTTP)`,
    group: 'mcpmeter-spans',
    root,
    spans: true,
    execArgv: ['--import', '@mcpmeter/node/register'],
    env: {
      OTEL_EXPORTER_PROMETHEUS_PORT: '0',
      OTEL_EXPORTER_OTLP_ENDPOINT: `${SINK}/${id}s`,
    },
  },
];
let CONFIGS = [
  {
    id: 'base',
    name: 'baseline (no instrumentation)',
    group: 'baseline',
    root: ROOT,
    execArgv: [],
    env: {},
  },
  // The same uninstrumented server again: how far two identical processes differ in this run.
  {
    id: 'base2',
    name: 'baseline, a second process (noise floor)',
    group: 'baseline2',
    root: ROOT,
    execArgv: [],
    env: {},
  },
  ...mcpmeter('', ROOT, 'a'),
  {
    id: 'ax',
    name: 'mcpmeter, metrics only, `register()` + `instrumentMcpServer()` (no `--import`)',
    group: 'mcpmeter-explicit',
    root: ROOT,
    execArgv: [],
    env: {
      BENCH_MCPMETER_EXPLICIT: '1',
      OTEL_TRACES_EXPORTER: 'none',
      OTEL_EXPORTER_PROMETHEUS_PORT: '0',
    },
  },
  ...(COMPARE_ROOT ? mcpmeter('other checkout: ', COMPARE_ROOT, 'b') : []),
  {
    id: 'sentry',
    name: '@sentry/node, tracesSampleRate 1',
    group: 'sentry',
    root: ROOT,
    spans: true,
    execArgv: ['--import', join(BENCH, 'mcp-http-sentry.mjs')],
    env: { BENCH_SENTRY_DSN: `http://key@127.0.0.1:${sink.address().port}/1` },
  },
  {
    id: 'sentrymcp',
    name: '@sentry/node + wrapMcpServerWithSentry',
    group: 'sentry-mcp',
    root: ROOT,
    spans: true,
    execArgv: ['--import', join(BENCH, 'mcp-http-sentry.mjs')],
    env: {
      BENCH_SENTRY_DSN: `http://key@127.0.0.1:${sink.address().port}/2`,
      BENCH_SENTRY_MCP: '1',
    },
  },
];
// BENCH_VARIANTS='name:K=V,K=V;name2:K=V' adds rows for A/B work: mcpmeter with extra environment
// (`spans` in the name: traces exported to the sink as in "metrics + spans", else traces off).
for (const [i, v] of (process.env.BENCH_VARIANTS ?? '').split(';').filter(Boolean).entries()) {
  const [name, kv = ''] = v.split(':');
  const spansOn = name.includes('spans');
  // IMPORT=/path/to/file.mjs loads that instead of @mcpmeter/node/register (it imports register itself)
  const { IMPORT, ...env } = Object.fromEntries(
    kv
      .split(',')
      .filter(Boolean)
      .map((x) => x.split('=')),
  );
  CONFIGS.push({
    id: `v${i}`,
    name: `variant: ${name}`,
    group: 'variant',
    root: ROOT,
    spans: spansOn,
    execArgv: ['--import', IMPORT ?? '@mcpmeter/node/register'],
    env: {
      OTEL_EXPORTER_PROMETHEUS_PORT: '0',
      ...(spansOn
        ? { OTEL_EXPORTER_OTLP_ENDPOINT: `${SINK}/v${i}` }
        : { OTEL_TRACES_EXPORTER: 'none' }),
      ...env,
    },
  });
}
if (ONLY)
  CONFIGS = CONFIGS.filter((c) => c.id === 'base' || c.group === 'variant' || ONLY.includes(c.id));

// ---- servers and client ---------------------------------------------------------------

const agent = new Agent({ keepAlive: true, maxSockets: 1 });

function post(port, headers, payload) {
  return new Promise((resolve, reject) => {
    const body = JSON.stringify(payload);
    const req = request(
      {
        host: '127.0.0.1',
        port,
        path: '/mcp',
        method: 'POST',
        agent,
        headers: {
          'content-type': 'application/json',
          accept: 'application/json, text/event-stream',
          'content-length': Buffer.byteLength(body),
          ...headers,
        },
      },
      (res) => {
        let text = '';
        res.setEncoding('utf8');
        res.on('data', (d) => (text += d));
        res.on('end', () => resolve({ status: res.statusCode, headers: res.headers, text }));
        res.on('error', reject);
      },
    );
    req.on('error', reject);
    req.end(body);
  });
}

async function start(config) {
  const execArgv = [...config.execArgv];
  if (PROFILE)
    execArgv.push(
      '--cpu-prof',
      `--cpu-prof-dir=${PROFILE}`,
      `--cpu-prof-name=${config.id}-${Date.now()}.cpuprofile`,
    );
  const child = fork(SERVER, [], {
    cwd: join(config.root, 'bench'),
    execArgv,
    env: { ...clean, ...config.env },
    stdio: ['ignore', 'pipe', 'pipe', 'ipc'],
  });
  let out = '';
  child.stdout.on('data', (d) => (out += d));
  let err = '';
  child.stderr.on('data', (d) => (err += d));
  const replies = [];
  child.on('message', (m) => replies.shift()?.(m));
  const ask = (msg) =>
    new Promise((res, rej) => {
      const t = setTimeout(() => rej(new Error(`${config.name}: no reply; stderr: ${err}`)), 20000);
      replies.push((m) => (clearTimeout(t), res(m)));
      if (msg) child.send(msg);
    });
  const { port } = await ask();
  const init = await post(
    port,
    {},
    {
      jsonrpc: '2.0',
      id: 0,
      method: 'initialize',
      params: {
        protocolVersion: '2025-06-18',
        capabilities: {},
        clientInfo: { name: 'bench', version: '1.0.0' },
      },
    },
  );
  const session = init.headers['mcp-session-id'];
  if (init.status !== 200 || !session)
    throw new Error(`${config.name}: initialize ${init.status} ${init.text} ${err}`);
  const headers = { 'mcp-session-id': session, 'mcp-protocol-version': '2025-06-18' };
  const note = await post(port, headers, { jsonrpc: '2.0', method: 'notifications/initialized' });
  if (note.status !== 202) throw new Error(`${config.name}: initialized ${note.status}`);
  let id = 1;
  const call = async () => {
    const n = id++;
    const r = await post(port, headers, {
      jsonrpc: '2.0',
      id: n,
      method: 'tools/call',
      params: { name: 'echo', arguments: { text: `hello ${n}` } },
    });
    if (r.status !== 200 || !r.text.includes(`"id":${n}`) || !r.text.includes(`hello ${n}`))
      throw new Error(`${config.name}: tools/call ${r.status} ${r.text}`);
  };
  const cpu = async () => {
    const m = await ask('cpu');
    return { us: m.user + m.system, rss: m.rss };
  };
  const stop = () =>
    new Promise((res) => {
      child.once('exit', res);
      child.send('exit');
    });
  return {
    config,
    child,
    call,
    cpu,
    stop,
    calls: () => id - 1,
    stdout: () => out,
    stderr: () => err,
  };
}

const servers = [];
for (const c of CONFIGS) servers.push(await start(c));
for (const s of servers) for (let i = 0; i < WARMUP; i++) await s.call();

// Each round every server runs one block; "in block" is the CPU between the start and the end of
// its block, "cycle" from the start of its block to the start of its next one (so work a server
// defers, such as a batch of spans exported on a timer, lands in some cycle of its own).
const stats = new Map(
  servers.map((s) => [s.config.id, { block: [], cycle: [], starts: [], calls: [] }]),
);
let rounds = 0;
for (let round = 0; round <= ROUNDS && Date.now() < DEADLINE; round++) {
  for (let k = 0; k < servers.length; k++) {
    const s = servers[(round + k) % servers.length];
    const st = stats.get(s.config.id);
    const before = await s.cpu();
    st.starts.push(before.us);
    if (round === ROUNDS) continue; // the last "round" only closes the cycles
    for (let i = 0; i < BLOCK; i++) await s.call();
    const after = await s.cpu();
    st.block.push((after.us - before.us) / BLOCK);
    st.rss = after.rss;
  }
  if (round < ROUNDS) rounds++;
}
for (const s of servers) {
  const st = stats.get(s.config.id);
  for (let r = 0; r + 1 < st.starts.length && r < st.block.length; r++)
    st.cycle.push((st.starts[r + 1] - st.starts[r]) / BLOCK);
}

// Spans still in a batch processor go out on its timer (5 s); then stop the servers.
await new Promise((r) => setTimeout(r, 6500));
const totalCalls = new Map(servers.map((s) => [s.config.id, s.calls()]));
for (const s of servers) await s.stop();
await new Promise((r) => setTimeout(r, 300));
sink.close();
agent.destroy();

// ---- figures --------------------------------------------------------------------------

const median = (a) => {
  const s = [...a].sort((x, y) => x - y);
  const n = s.length;
  return n === 0 ? NaN : n % 2 ? s[(n - 1) / 2] : (s[n / 2 - 1] + s[n / 2]) / 2;
};
const base = stats.get('base');
const rows = servers.map((s) => {
  const st = stats.get(s.config.id);
  const ratios = st.cycle.map((v, r) => v / base.cycle[r]);
  return {
    s,
    block: median(st.block),
    cycle: median(st.cycle),
    ratio: median(ratios),
    ratioBlock: median(st.block.map((v, r) => v / base.block[r])),
    rss: st.rss / 2 ** 20,
    calls: totalCalls.get(s.config.id),
    got: received.get(s.config.id),
    out: s.stdout(),
    err: s.stderr(),
  };
});
const m = machine();
const f1 = (n) => n.toFixed(1);
const f0 = (n) => n.toFixed(0);
const b = rows[0];

let md = `## MCP server over Streamable HTTP (issue 20)

CPU time (user + system) of the **MCP server process** per \`tools/call\`, over a real Streamable HTTP
transport: an SDK ${sdkVersion()} \`McpServer\` with \`StreamableHTTPServerTransport\` on \`node:http\` as the SDK's
README shows it (stateful sessions, SSE replies; an \`echo\` tool), each configuration its own server process
(\`bench/mcp-http-server.mjs\`). The bench process drives them with raw keep-alive HTTP POSTs of JSON-RPC (the
requests and headers the SDK's \`StreamableHTTPClientTransport\` sends — the server sees the same load, the
client costs far less CPU on this shared machine), one call after another. The servers take turns in blocks of
${BLOCK} calls (order rotated each round), ${rounds} rounds after ${WARMUP} warm-up calls each; each server reports its
own \`process.cpuUsage()\` (every thread: the export, GC) over IPC. A server's figure per round is its CPU from
the start of its block to the start of its next block, divided by the block's calls — so what it defers (a
batch of spans exported on a timer) is counted — and the table shows the **median over rounds**, and the
median of the per-round ratios to the baseline's cycle of the same round. "in block" is the CPU between the
start and the end of the block only. Run: \`pnpm build && node bench/mcp-http.mjs\`.

Machine: ${m.cpu}, ${m.nproc} cores (\`nproc\`; shared), Node ${m.node}, 1-minute load average at the start ${LOAD_AT_START}, ${m.date}.

Configurations, each as its docs say a user sets it up:
- **baseline**: \`node mcp-http-server.mjs\`, no instrumentation.
- **mcpmeter, metrics only**: \`node --import @mcpmeter/node/register\` with \`OTEL_TRACES_EXPORTER=none\` and
  \`OTEL_EXPORTER_PROMETHEUS_PORT=0\` (Prometheus exposition on a free port, not scraped during the run); everything
  else is the default (runtime metrics on; the hub probe goes to the sink, which answers 404).
- **mcpmeter, metrics only, \`register()\` + \`instrumentMcpServer()\`**: the same settings, set up in code as the
  README's programmatic path shows (\`register()\` at the top of the server, the \`McpServer\` wrapped), no loader hooks.
- **mcpmeter, metrics + spans**: the same with traces on (the default \`OTEL_TRACES_EXPORTER=otlp\`, default
  protocol \`http/protobuf\`), \`OTEL_EXPORTER_OTLP_ENDPOINT\` = the bench's local sink, which decodes every
  export and counts the spans.
- **@sentry/node**: \`Sentry.init({ dsn: 'http://key@127.0.0.1:<sink>/…', tracesSampleRate: 1.0 })\` in an instrument
  file loaded with \`--import\` (its ESM quick start); the sink accepts its envelopes and counts transactions and
  their spans. **+ wrapMcpServerWithSentry**: the same, and the \`McpServer\` wrapped with
  \`Sentry.wrapMcpServerWithSentry\` (its MCP integration).

| configuration | server CPU µs per call | ratio to baseline | in block µs | in-block ratio | server RSS MiB at end | spans received |
| --- | ---: | ---: | ---: | ---: | ---: | --- |
`;
for (const r of rows) {
  const got = r.got
    ? `${r.got.spans} spans, ${r.got.serverSpans} server spans/transactions, ${r.got.toolSpans} \`tools/call\` spans for ${r.calls} calls`
    : r.s.config.spans
      ? `**none** for ${r.calls} calls`
      : '—';
  md += `| ${r.s.config.name} | ${f1(r.cycle)} | ${r === b ? '1' : r.ratio.toFixed(2)}× | ${f1(r.block)} | ${r === b ? '1' : r.ratioBlock.toFixed(2)}× | ${f0(r.rss)} | ${got} |\n`;
}
md += '\n';
// What arrived, by span name (the first few), per configuration that exports.
for (const r of rows.filter((x) => x.got)) {
  const names = [...r.got.names.entries()]
    .sort((x, y) => y[1] - x[1])
    .slice(0, 6)
    .map(([n, c]) => `\`${n.trim()}\` ×${c}`)
    .join(', ');
  md += `- ${r.s.config.name}: ${r.got.requests} requests to the sink; ${names}\n`;
}

const byGroup = (g) => rows.find((r) => r.s.config.group === g && r.s.config.root === ROOT);
const metricsOnly = byGroup('mcpmeter-metrics');
const spans = byGroup('mcpmeter-spans');
const sentryRows = rows.filter((r) => r.s.config.group.startsWith('sentry'));
const sentryLow = Math.min(...sentryRows.map((r) => r.ratio));
const verdict = (ok) => (ok ? 'met' : '**not met**');
const lines = [];
if (metricsOnly)
  lines.push(
    `- Metrics only over Streamable HTTP ≤ 1.05× server CPU per call: ${metricsOnly.ratio.toFixed(2)}× — ${verdict(metricsOnly.ratio <= 1.05)}.`,
  );
const explicit = byGroup('mcpmeter-explicit');
if (explicit)
  lines.push(
    `- … the same set up in code (\`register()\` + \`instrumentMcpServer()\`, no \`--import\`): ${explicit.ratio.toFixed(2)}× — ${verdict(explicit.ratio <= 1.05)}.`,
  );
if (spans) {
  const oneEach = spans.got?.toolSpans === spans.calls;
  lines.push(
    `- Metrics + spans over Streamable HTTP ≤ 1.2× including the export: ${spans.ratio.toFixed(2)}× — ${verdict(spans.ratio <= 1.2)}.`,
  );
  if (sentryRows.length)
    lines.push(
      `- … still far below Sentry (here: at most half of Sentry's added CPU; Sentry ${sentryRows.map((r) => `${r.ratio.toFixed(2)}×`).join(' / ')}): ${verdict(spans.ratio - 1 <= (sentryLow - 1) / 2)}.`,
    );
  lines.push(
    `- One server span per call reached the sink: ${spans.got?.toolSpans ?? 0} \`tools/call\` server spans for ${spans.calls} calls (warm-up included) — ${oneEach ? 'yes' : '**no**'}.`,
  );
}
md += `\nAims of issue 20, computed from this run's figures:\n\n${lines.join('\n')}\n`;
md += NOTES();
const stdoutBytes = rows.reduce((a, r) => a + r.out.length, 0);
if (stdoutBytes) md += `\nA server wrote ${stdoutBytes} bytes to stdout.\n`;
const stderrRows = rows.filter((r) => r.err.trim());
for (const r of stderrRows)
  md += `\n${r.s.config.name} wrote to stderr: \`${r.err.trim().split('\n').slice(0, 3).join(' / ')}\`\n`;

process.stdout.write(md);
if (process.argv.includes('--write')) {
  const file = await writeSection('MCP server over Streamable HTTP (issue 20)', md);
  process.stderr.write(`wrote ${file}\n`);
}
process.exit(0);

function sdkVersion() {
  return JSON.parse(
    readFileSync(join(BENCH, 'node_modules/@modelcontextprotocol/sdk/package.json'), 'utf8'),
  ).version;
}

/**
 * Where the time goes: prose from the profiling done with this script on 2026-12-01 (its figures
 * are from that work, not from this run; see the commit messages of the httpbench branch).
 */
function NOTES() {
  return `
The "noise floor" row is a second, identical uninstrumented server: how far two processes doing the same work
differ in this run (this machine is shared; differences of a few percent are within it).

**Where mcpmeter's share goes** (2026-12-01, same machine; a copy of \`@mcpmeter/instrumentation-mcp\`'s dist
with \`performance.now()\` around its bookkeeping in \`_onrequest\` and in the transport's \`send\`, 3,000 calls,
medians per call):
- Metrics only, mcpmeter's own code per call: ~12–15 µs when a request starts (the labels, the series, the
  record) and ~7–11 µs when its reply is sent (duration histogram, counters, exemplar). Before this branch the
  start was ~20–26 µs: the loop detection of issue 21 (repeated identical \`tools/call\`s) cost ~13–15 µs of it,
  building a canonical JSON string of the arguments and hashing it, with a heap number per hash in a set
  iterated to find the oldest; it now hashes the arguments as it walks them (~5–6 µs). Each step costs ~10× its
  tight-loop figure here (the in-memory "MCP server" section above: ~0.7 µs for metrics) because between two
  requests the SDK, Hono's Node adapter, zod and \`node:http\` run through their own code and data, so ours runs
  from cold caches. The rest of "metrics only" over the baseline is process-wide. Per second: runtime
  metrics' \`monitorEventLoopDelay\` (resolution 10 ms) wakes the process ~97 times a second, 3–4 ms of CPU per
  second while idle on this machine (\`bench/probe/idle.mjs\`, \`eld-idle.mjs\`: 3.8 ms/s at 10 ms, 2.1 at 20,
  0.9 at 50, 0.06 without). Here each server is idle while the others take their turn, so that lands in its
  cycle (the "server CPU" column, not "in block"): in the probes' interleaved runs runtime metrics off lowered
  the ratio by ~0.05 in both mcpmeter set-ups. It is not changed: the histogram records the interval between
  firings, so a coarser resolution would shift every \`nodejs_eventloop_delay_*\` value (p50 10.1 → 50.5 ms at 50 ms).
- \`--import\` vs the same set up in code (\`register()\` + \`instrumentMcpServer()\`): lower in code in each of the
  runs of the previous branch, by 0.06–0.22. The probes of \`bench/probe/\` (3–5 servers, up to 50 rounds of 200
  calls) put it at +0.05–0.09 in most runs but not all (−0.02 to +0.2), ~20–25 µs per call more on the main
  thread (per-thread CPU from \`/proc\`), no extra thread: about half with the loader hooks, the wrapped
  \`server/mcp.js\` and \`register()\` under \`--import\` but the server wrapped in code (+0.02–0.04), the rest with
  the zero-code patch of \`connect\` (its mechanism not found). Ruled out: no module resolved or loaded after start-up (every resolve and
  load the in-thread hooks see was logged); import-in-the-middle wraps one module
  (\`@modelcontextprotocol/sdk/dist/esm/server/mcp.js\`, the same \`McpServer\` class); no \`http.server.*\`
  diagnostics-channel subscriber (the LLM wire capture subscribes \`http.client.*\` and \`undici:request:*\` only);
  the same per-request hooks in both (\`--cpu-prof\`: no frame of ours differs, no span started); ~70 KB
  allocated per call in every server including the baseline (the SDK's own), heap retained after a full GC
  under 50 B per call. Hub probe off, LLM wire capture off: one run each (0.97×, 1.09× against 1.06×), not
  conclusive. One cause found on the way: with the instrumentations' CJS builds (\`register()\` called from ESM, they are then \`require()\`d) the
  ESM \`ProxyTracer\` failed their \`instanceof\` check and a metrics-only server started a no-op span per request; fixed
  (\`tracesNothing()\` recognises the other copy of the API). Its cost was not measured apart: the probe that hit it
  was no dearer than the shipped \`--import\` path, which does not. What is left of the gap is
  spread over the SDK's, Hono's and \`node:http\`'s frames, not in one place that was found.
- Metrics + spans adds, per call: the SDK's \`tracer.startSpan\` (sampler, ids, attribute cleaning twice) ~35–40 µs,
  the request's own span attributes (\`jsonrpc.request.id\`, \`mcp.session.id\`, \`network.protocol.*\`,
  \`client.address\`/\`client.port\`: six \`setAttribute\` calls) ~17–19 µs, and ~15 µs more when the reply is sent
  (\`span.end()\`, the batch processor); then the export: \`otlp-transformer\`'s protobuf serialization is ~10 µs
  per span even in a tight loop (JSON 8.7 µs, twice the bytes), the HTTP POST one per 512 spans. In \`--cpu-prof\`
  of the server the span path (\`startSpan\`, \`serializeRequest\`, \`span.end\`) is ~8% of its samples.
- Tried for the export, as variants of this script in one run (\`BENCH_VARIANTS\`): \`OTEL_EXPORTER_OTLP_PROTOCOL=http/json\`,
  \`OTEL_BSP_MAX_EXPORT_BATCH_SIZE=128\`, and 2048 with a 1 s delay: 1.30×, 1.33×, 1.32×, 1.32× against 1.30× for
  the default — no lever there; what is left is the SDK's per-span work, which a sampler (\`OTEL_TRACES_SAMPLER\`)
  reduces and which mcpmeter does not own.
- Sentry sends one envelope per request; a few per cent of them did not reach the sink in the runs of this
  branch (the counts above), which was not looked into: its CPU figures include the sending either way.
- Not measured: Traceloop (\`@traceloop/node-server-sdk\`; optional in issue 20's brief for this row, not attempted).
`;
}
