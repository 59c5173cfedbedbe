// Added CPU time per tools/call over InMemoryTransport (SDK 1.x, client and
// server in one process, an echo tool), each configuration in a fresh child
// process so that patches never overlap:
//
//   baseline          no telemetry at all
//   metrics           instrumentMcpServer + an SDK MeterProvider (no tracer provider)
//   metrics+span      as above + a tracer provider sampling every span (batch processor,
//                     exporter that drops), so each call also makes a recorded SERVER span
//   traceloop         @traceloop/instrumentation-mcp 0.27 (manuallyInstrument on Client and
//                     Server) with the same tracer provider; it records client spans only
//
// Writes the "## MCP server" section of docs/benchmarks.md.
//   node bench/mcp-server.mjs            (run all, write the doc)
//   node bench/mcp-server.mjs --mode X   (one child run; prints JSON)
import { execFileSync } from 'node:child_process';
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import os from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';

const ROOT = join(dirname(fileURLToPath(import.meta.url)), '..');
const PKG = join(ROOT, 'packages/instrumentation-mcp');
const req = createRequire(join(PKG, 'package.json'));
const load = (name) => import(pathToFileURL(req.resolve(name)).href);
const MODES = [
  'baseline',
  'wrapper-only',
  'metrics',
  'metrics+span',
  'traceloop',
  'client-metrics',
  'client-metrics+span',
];
const CALLS = Number(process.env.BENCH_CALLS ?? 20_000);
const WARMUP = 3_000;
const RUNS = Number(process.env.BENCH_RUNS ?? 5);

async function setup(mode) {
  const api = await load('@opentelemetry/api');
  const { AsyncLocalStorageContextManager } = await load('@opentelemetry/context-async-hooks');
  api.context.setGlobalContextManager(new AsyncLocalStorageContextManager().enable());
  if (process.env.BENCH_ALS_ACTIVE === '1') {
    // What any app with an active OTel context already pays: AsyncLocalStorage in use.
    api.context.with(api.ROOT_CONTEXT.setValue(Symbol('warm'), 1), () => undefined);
  }
  let meterProvider;
  if (mode.includes('metrics')) {
    const { MeterProvider, MetricReader } = await load('@opentelemetry/sdk-metrics');
    class Reader extends MetricReader {
      onShutdown() {
        return Promise.resolve();
      }
      onForceFlush() {
        return Promise.resolve();
      }
    }
    meterProvider = new MeterProvider({ readers: [new Reader()] });
    api.metrics.setGlobalMeterProvider(meterProvider);
  }
  if (mode.endsWith('+span') || mode === 'traceloop') {
    const { BasicTracerProvider, BatchSpanProcessor, AlwaysOnSampler } = await load(
      '@opentelemetry/sdk-trace-base',
    );
    const drop = { export: (_spans, done) => done({ code: 0 }), shutdown: () => Promise.resolve() };
    const provider = new BasicTracerProvider({
      sampler: new AlwaysOnSampler(),
      spanProcessors: [new BatchSpanProcessor(drop, { maxQueueSize: 65_536 })],
    });
    api.trace.setGlobalTracerProvider(provider);
  }
  const { McpServer } = await load('@modelcontextprotocol/sdk/server/mcp.js');
  const { Client } = await load('@modelcontextprotocol/sdk/client/index.js');
  const { Server } = await load('@modelcontextprotocol/sdk/server/index.js');
  const { InMemoryTransport } = await load('@modelcontextprotocol/sdk/inMemory.js');
  if (mode === 'traceloop') {
    const { McpInstrumentation } = await load('@traceloop/instrumentation-mcp');
    const inst = new McpInstrumentation();
    inst.manuallyInstrument({ Client, Server });
  }
  const server = new McpServer({ name: 'bench', version: '1.0.0' });
  if (mode === 'metrics' || mode === 'metrics+span' || mode === 'wrapper-only') {
    const { instrumentMcpServer } = await import(pathToFileURL(join(PKG, 'dist/index.mjs')).href);
    instrumentMcpServer(server);
  }
  server.registerTool('echo', { description: 'echo' }, async () => ({
    content: [{ type: 'text', text: 'echo' }],
  }));
  const [a, b] = InMemoryTransport.createLinkedPair();
  await server.connect(b);
  const client = new Client({ name: 'bench-client', version: '1.0.0' });
  if (mode.startsWith('client-')) {
    const { instrumentMcpClient } = await import(pathToFileURL(join(PKG, 'dist/index.mjs')).href);
    instrumentMcpClient(client);
  }
  await client.connect(a);
  return { client, meterProvider };
}

async function child(mode) {
  const { client } = await setup(mode);
  const call = () => client.callTool({ name: 'echo', arguments: {} });
  for (let i = 0; i < WARMUP; i++) await call();
  const start = process.cpuUsage();
  for (let i = 0; i < CALLS; i++) await call();
  const used = process.cpuUsage(start);
  process.stdout.write(
    JSON.stringify({ mode, usPerCall: (used.user + used.system) / CALLS }) + '\n',
  );
  process.exit(0);
}

function machine() {
  const cpu = readFileSync('/proc/cpuinfo', 'utf8')
    .match(/^model name\s*:\s*(.*)$/m)?.[1]
    ?.trim();
  return {
    cpu: cpu ?? os.cpus()[0]?.model,
    nproc: os.availableParallelism(),
    node: process.version,
  };
}

function writeSection(markdown) {
  const file = join(ROOT, 'docs/benchmarks.md');
  let doc = existsSync(file) ? readFileSync(file, 'utf8') : '# Benchmarks\n';
  const start = doc.indexOf('\n## MCP server');
  if (start >= 0) {
    const next = doc.indexOf('\n## ', start + 1);
    doc = doc.slice(0, start) + (next >= 0 ? doc.slice(next) : '\n');
  }
  writeFileSync(file, doc.trimEnd() + '\n\n' + markdown.trim() + '\n');
}

async function main() {
  const results = Object.fromEntries(MODES.map((m) => [m, []]));
  // Interleave the modes so that machine noise spreads over all of them.
  for (let r = 0; r < RUNS; r++) {
    for (const mode of MODES) {
      const out = execFileSync(process.execPath, [fileURLToPath(import.meta.url), '--mode', mode], {
        encoding: 'utf8',
        env: { ...process.env, BENCH_CALLS: String(CALLS) },
      });
      results[mode].push(JSON.parse(out.trim().split('\n').pop()).usPerCall);
    }
  }
  const median = (xs) => [...xs].sort((x, y) => x - y)[Math.floor(xs.length / 2)];
  const base = median(results.baseline);
  const m = machine();
  const rows = MODES.map((mode) => {
    const v = median(results[mode]);
    const added = v - base;
    return `| ${mode} | ${v.toFixed(1)} | ${mode === 'baseline' ? '—' : `${added.toFixed(2)} µs (${((added / base) * 100).toFixed(1)}%)`} |`;
  });
  const md = `## MCP server

Added CPU time (user + system, client and server in one process) per \`tools/call\` round trip over
\`InMemoryTransport\`, SDK 1.x, an echo tool; median of ${RUNS} fresh processes × ${CALLS.toLocaleString('en')} calls after
${WARMUP.toLocaleString('en')} warm-up calls. Run: \`pnpm build && node bench/mcp-server.mjs\`.

Machine: ${m.cpu}, ${m.nproc} cores, Node ${m.node}, ${new Date().toISOString().slice(0, 10)}.

| configuration | CPU µs per call | added |
|---|---:|---:|
${rows.join('\n')}

- **wrapper-only**: \`instrumentMcpServer\` with the API's no-op meter and tracer: the cost of the hooks alone.
- **metrics**: \`instrumentMcpServer\` with an SDK MeterProvider and no tracer provider: one histogram record per
  call (active requests are counted in plain integers and observed at collection time).
- **metrics+span**: the same plus a tracer provider that samples every span (batch processor, dropping exporter).
- **client-metrics** / **client-metrics+span**: \`instrumentMcpClient\` on the client instead (server not
  instrumented), with the same providers: one \`mcp.client.operation.duration\` record per call, plus a sampled
  CLIENT span and \`traceparent\` injected into \`params._meta\` (a copy of the request) in the \`+span\` case.
- **traceloop**: \`@traceloop/instrumentation-mcp\` 0.27 wraps \`Client.request\` and \`Server.request\`, so on this
  round trip it records the client's span only; on the server side it instruments only requests the *server* sends,
  not incoming tool calls, and records no metrics.
- **@arizeai/openinference-instrumentation-mcp** 0.2 patches only the SSE, stdio and Streamable HTTP transport
  modules (to propagate context); it has nothing to hook on \`InMemoryTransport\` and records no spans or metrics of
  its own, so it cannot be measured on the same server.
`;
  writeSection(md);
  process.stderr.write(md + '\n');
}

const i = process.argv.indexOf('--mode');
if (i >= 0) await child(process.argv[i + 1]);
else await main();
