// Added client CPU per LLM SDK call — mcpmeter next to Traceloop and openlit, in one run
// (issue 20): `openai` chat.completions.create and `@anthropic-ai/sdk` messages.create
// (1.x, and 0.x for Traceloop), non-streamed and 200-chunk streams (every chunk consumed),
// against the local fake upstream (examples/llm-gateway/fake-upstream.mjs) in its own
// process, so only the client's CPU is counted (process.cpuUsage, user + system).
//
// Configurations, each in a fresh child process (the peers patch modules globally):
//   off        the SDKs uninstrumented, an AsyncLocalStorage context manager enabled
//   provider   off plus a registered tracer provider (@anthropic-ai/sdk then traces itself)
//   mcpmeter   register() from @mcpmeter/node with its defaults (Prometheus exposition on a
//              side port, FastHistograms, runtime metrics, LLM instrumentation), spans over
//              OTLP/HTTP to the local sink
//   traceloop  initialize() of @traceloop/node-server-sdk, spans to the same sink
//   openlit    openlit.init({ otlpEndpoint }), spans, metrics and events to the same sink
// Every span exporter is the OTel OTLP/HTTP JSON exporter behind a BatchSpanProcessor, so
// the export costs the same per span everywhere; the sink (in this process) decodes what
// it receives and the section says what each configuration recorded.
//
// Rounds shuffle the configurations; each child warms every case up, then measures them in
// interleaved blocks; the figure is the median over rounds.
//
//   node bench/llm-peers.mjs            (print Markdown)
//   node bench/llm-peers.mjs --write    (also replace its section in docs/benchmarks.md)
// Knobs: BENCH_ROUNDS (5), BENCH_CALLS (300 non-streamed per case), BENCH_STREAM_CALLS (40),
// BENCH_WARMUP (30), BENCH_CONFIGS (off,provider,mcpmeter,traceloop,openlit), BENCH_CASES
// (e.g. openai/json), BENCH_CHUNK_DELAY_MS (1), BENCH_STREAM_CONCURRENCY (8), BENCH_V0=0,
// BENCH_NO_CONTENT=1 (content capture off in Traceloop and openlit), BENCH_NODE_FLAGS (e.g.
// "--cpu-prof --cpu-prof-dir=/tmp/prof", given to the children).
import { spawn } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import { createServer } from 'node:http';
import { createRequire } from 'node:module';
import { createServer as createNetServer } from 'node:net';
import os from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { writeSection } from './doc-section.mjs';

const BENCH = dirname(fileURLToPath(import.meta.url));
const ROOT = join(BENCH, '..');
const ROUNDS = Number(process.env.BENCH_ROUNDS ?? 5);
const CALLS = Number(process.env.BENCH_CALLS ?? 300);
const STREAM_CALLS = Number(process.env.BENCH_STREAM_CALLS ?? 40);
const WARMUP = Number(process.env.BENCH_WARMUP ?? 30);
const BLOCKS = 3;
// A pause between the upstream's chunks makes each arrive in its own read, as from a real
// model; with 0 the whole stream comes in a few large reads. Streams then run CONCURRENCY
// at a time (CPU per call is the process's CPU over the calls made).
const CHUNK_DELAY_MS = Number(process.env.BENCH_CHUNK_DELAY_MS ?? 1);
const CONCURRENCY = Number(process.env.BENCH_STREAM_CONCURRENCY ?? (CHUNK_DELAY_MS > 0 ? 8 : 1));
const NO_CONTENT = process.env.BENCH_NO_CONTENT === '1';
const CONFIGS = (process.env.BENCH_CONFIGS ?? 'off,provider,mcpmeter,traceloop,openlit').split(',');
const CHUNKS = 200;
// json: non-streamed; stream: chunks spaced (one per read, CONCURRENCY streams at once);
// burst: chunks written back to back (the whole stream in a few large reads, one at a time).
const CASES_V1 = [
  'openai/json',
  'openai/stream',
  'openai/burst',
  'anthropic/json',
  'anthropic/stream',
  'anthropic/burst',
];
// @anthropic-ai/sdk 0.x, for Traceloop (BENCH_V0=0 leaves these out).
const CASES_V0 = process.env.BENCH_V0 === '0' ? [] : ['anthropic0/json', 'anthropic0/stream'];
const ONLY = process.env.BENCH_CASES?.split(',');
const CASES = [...CASES_V1, ...CASES_V0].filter((k) => !ONLY || ONLY.includes(k));
const V0_CONFIGS = ['off', 'provider', 'mcpmeter', 'traceloop'];
const casesOf = (config) =>
  CASES.filter((k) => V0_CONFIGS.includes(config) || CASES_V1.includes(k));
const SECTION = '## LLM clients side by side (issue 20)';
const NAMES = {
  off: 'off',
  provider: 'tracer provider only',
  mcpmeter: 'mcpmeter',
  traceloop: 'Traceloop',
  openlit: 'openlit',
};

// ---------------------------------------------------------------- child

async function child() {
  const { config, group, port, sink } = JSON.parse(process.env.BENCH_LLM_PEERS);
  const benchRequire = createRequire(join(BENCH, 'package.json'));
  const openlitRequire = createRequire(benchRequire.resolve('openlit'));
  const api = benchRequire('@opentelemetry/api');
  let flush = async () => {};
  let recorded = async () => ({});
  if (config === 'off') {
    const { AsyncLocalStorageContextManager } = benchRequire('@opentelemetry/context-async-hooks');
    api.context.setGlobalContextManager(new AsyncLocalStorageContextManager().enable());
  } else if (config === 'provider') {
    // No instrumentation, but a tracer provider as every instrumented column has: what the
    // SDKs' own tracing costs (@anthropic-ai/sdk traces its calls once one is registered).
    const { AsyncLocalStorageContextManager } = benchRequire('@opentelemetry/context-async-hooks');
    const { TracerProvider, BatchSpanProcessor } = benchRequire('@opentelemetry/sdk-trace');
    const { OTLPTraceExporter } = openlitRequire('@opentelemetry/exporter-trace-otlp-http');
    const provider = new TracerProvider({
      spanProcessors: [
        new BatchSpanProcessor({ exporter: new OTLPTraceExporter({ url: `${sink}/v1/traces` }) }),
      ],
    });
    api.context.setGlobalContextManager(new AsyncLocalStorageContextManager().enable());
    api.trace.setGlobalTracerProvider(provider);
    flush = () => provider.forceFlush();
  } else if (config === 'mcpmeter') {
    const { register } = benchRequire('@mcpmeter/node');
    const handle = register({
      serviceName: 'bench-llm-peers',
      prometheus: { host: '127.0.0.1', port: 0 },
      traces: { endpoint: `${sink}/v1/traces`, protocol: 'http/json' },
    });
    await handle.ready;
    recorded = async () => {
      const text = await (await fetch(handle.metricsUrl)).text();
      const total = (prefix) =>
        text
          .split('\n')
          .filter((l) => l.startsWith(prefix))
          .reduce((a, l) => a + Number(l.slice(l.lastIndexOf(' ') + 1)), 0);
      return {
        durationCount: total('gen_ai_client_operation_duration_seconds_count{'),
        tokenCount: total('gen_ai_client_token_usage_count{'),
        tokenSum: total('gen_ai_client_token_usage_sum{'),
        costSum: total('gen_ai_client_cost_usd_total{'),
      };
    };
    flush = () => handle.shutdown();
  } else if (config === 'traceloop') {
    const traceloop = benchRequire('@traceloop/node-server-sdk');
    const { OTLPTraceExporter } = openlitRequire('@opentelemetry/exporter-trace-otlp-http');
    traceloop.initialize({
      appName: 'bench-llm-peers',
      baseUrl: sink,
      exporter: new OTLPTraceExporter({ url: `${sink}/v1/traces` }),
      traceloopSyncEnabled: false,
      silenceInitializationMessage: true,
      ...(NO_CONTENT ? { traceContent: false } : {}),
    });
    flush = () => traceloop.forceFlush();
  } else if (config === 'openlit') {
    const openlit = benchRequire('openlit').default;
    openlit.init({
      applicationName: 'bench-llm-peers',
      otlpEndpoint: sink,
      // Its default is a pricing file on GitHub (no network here): the two models' prices, per
      // 1,000 tokens, so that it computes a cost as mcpmeter does.
      pricingJson: {
        chat: {
          'gpt-4.1': { promptPrice: 0.002, completionPrice: 0.008, cacheReadPrice: 0.0005 },
          'claude-haiku-4-5': {
            promptPrice: 0.001,
            completionPrice: 0.005,
            cacheReadPrice: 0.0001,
            cacheCreationPrice: 0.00125,
          },
        },
      },
      ...(NO_CONTENT ? { captureMessageContent: false } : {}),
    });
    const { logs } = openlitRequire('@opentelemetry/api-logs');
    flush = async () => {
      for (const p of [
        api.trace.getTracerProvider(),
        api.metrics.getMeterProvider(),
        logs.getLoggerProvider(),
      ]) {
        const real = p.getDelegate?.() ?? p;
        await real.forceFlush?.();
      }
    };
  } else throw new Error(`unknown configuration ${config}`);

  // The SDKs are required after the instrumentation is set up, as a CommonJS app does. A
  // peer that throws while patching one is reported for that SDK's cases.
  const errors = {};
  const load = (name) => {
    try {
      return benchRequire(name).default;
    } catch (err) {
      errors[name] = String(err?.stack ?? err)
        .split('\n')
        .filter((l) => !/^\s+at /.test(l))
        .join(' ')
        .replace(/\s+/g, ' ')
        .slice(0, 400);
      return undefined;
    }
  };
  // One SDK per child: what one SDK's calls leave behind (spans to export, garbage to
  // collect) must not be paid during another's measured blocks.
  const OpenAI = group === 'openai' ? load('openai') : undefined;
  const Anthropic = group === 'anthropic' ? load('@anthropic-ai/sdk') : undefined;
  // The newest 0.x SDK (alias `anthropic-sdk-v0`): Traceloop 0.27 patches `Anthropic.Completions`,
  // which 1.x no longer has. Not seen by any require hook (another package name), so each
  // configuration instruments it by hand, as its docs say for bundled or ESM apps.
  const AnthropicV0 = group === 'anthropic0' ? benchRequire('anthropic-sdk-v0') : undefined;
  let v0Client = (c) => c;
  if (config === 'mcpmeter') {
    const { instrumentAnthropic } = benchRequire('@mcpmeter/instrumentation-llm');
    v0Client = (c) => instrumentAnthropic(c);
  } else if (config === 'traceloop' && AnthropicV0) {
    const { AnthropicInstrumentation } = benchRequire('@traceloop/instrumentation-anthropic');
    const inst = new AnthropicInstrumentation();
    inst.manuallyInstrument(AnthropicV0);
  }
  const headers = { 'x-fake-chunks': String(CHUNKS), 'x-fake-chunk-delay-ms': '0' };
  const spaced = { ...headers, 'x-fake-chunk-delay-ms': String(CHUNK_DELAY_MS) };
  const base = `http://127.0.0.1:${port}`;
  const openai = OpenAI && new OpenAI({ apiKey: 'k', baseURL: `${base}/v1`, maxRetries: 0 });
  const anthropicOf = (Sdk, wrap = (c) => c) =>
    Sdk && wrap(new Sdk({ apiKey: 'k', baseURL: base, maxRetries: 0 }));
  const clients = {
    anthropic: anthropicOf(Anthropic),
    anthropic0: anthropicOf(AnthropicV0?.default, v0Client),
  };
  const messages = [{ role: 'user', content: 'hi' }];
  const calls = {
    'openai/json': async () => {
      const r = await openai.chat.completions.create({ model: 'gpt-4.1', messages }, { headers });
      if (!r.choices[0].message.content) throw new Error('empty reply');
    },
  };
  for (const [kind, h] of [
    ['stream', spaced],
    ['burst', headers],
  ]) {
    calls[`openai/${kind}`] = async () => {
      const s = await openai.chat.completions.create(
        { model: 'gpt-4.1', messages, stream: true, stream_options: { include_usage: true } },
        { headers: h },
      );
      let n = 0;
      for await (const c of s) if (c.choices[0]?.delta?.content) n++;
      if (n !== CHUNKS) throw new Error(`openai stream: ${n} content chunks`);
    };
  }
  for (const sdk of ['anthropic', 'anthropic0']) {
    calls[`${sdk}/json`] = async () => {
      const r = await clients[sdk].messages.create(
        { model: 'claude-haiku-4-5', max_tokens: 256, messages },
        { headers },
      );
      if (!r.content[0].text) throw new Error('empty reply');
    };
    for (const [kind, h] of [
      ['stream', spaced],
      ['burst', headers],
    ])
      calls[`${sdk}/${kind}`] = async () => {
        const s = await clients[sdk].messages.create(
          { model: 'claude-haiku-4-5', max_tokens: 256, messages, stream: true },
          { headers: h },
        );
        let n = 0;
        for await (const e of s) if (e.type === 'content_block_delta') n++;
        if (n !== CHUNKS) throw new Error(`${sdk} stream: ${n} content chunks`);
      };
  }
  const sdkOf = { openai: 'openai', anthropic: '@anthropic-ai/sdk' };
  const cases = casesOf(config).filter((k) => k.split('/')[0] === group && !errors[sdkOf[group]]);
  // Every case warmed up first, then measured in BLOCKS blocks interleaved across the cases,
  // so that the JIT and the heap are in the same state for all of them.
  const run = async (k, n) => {
    const width = k.endsWith('stream') ? CONCURRENCY : 1;
    let left = n;
    const worker = async () => {
      while (left-- > 0) await calls[k]();
    };
    await Promise.all(Array.from({ length: Math.min(width, n) }, worker));
  };
  // Spans (and openlit's log records) of a block are exported inside that block's window, so
  // that the export's CPU counts for the calls that made them (a batch processor exports on
  // its own timer, which would charge one case for another's spans).
  const logsApi = config === 'openlit' ? openlitRequire('@opentelemetry/api-logs') : undefined;
  const exportNow = async () => {
    for (const p of [api.trace.getTracerProvider(), logsApi?.logs.getLoggerProvider()]) {
      const real = p?.getDelegate?.() ?? p;
      await real?.forceFlush?.();
    }
  };
  for (const k of cases) await run(k, WARMUP);
  await exportNow();
  const used = Object.fromEntries(cases.map((k) => [k, 0]));
  const made = Object.fromEntries(cases.map((k) => [k, WARMUP]));
  for (let b = 0; b < BLOCKS; b++)
    for (const k of cases) {
      const n = Math.ceil((k.endsWith('json') ? CALLS : STREAM_CALLS) / BLOCKS);
      const c0 = process.cpuUsage();
      await run(k, n);
      await exportNow();
      const c = process.cpuUsage(c0);
      used[k] += c.user + c.system;
      made[k] += n;
    }
  const cpu = Object.fromEntries(cases.map((k) => [k, used[k] / (made[k] - WARMUP)]));
  const metrics = await recorded();
  await flush();
  process.send({ cpu, made, metrics, errors }, () => process.exit(0));
}

// ---------------------------------------------------------------- parent

async function freePort() {
  const s = createNetServer();
  await new Promise((r) => s.listen(0, '127.0.0.1', r));
  const { port } = s.address();
  await new Promise((r) => s.close(r));
  return port;
}

const median = (xs) => {
  const s = [...xs].sort((a, b) => a - b);
  const m = Math.floor(s.length / 2);
  return s.length % 2 ? s[m] : (s[m - 1] + s[m]) / 2;
};

function shuffle(xs) {
  const a = [...xs];
  for (let i = a.length - 1; i > 0; i--) {
    const j = Math.floor(Math.random() * (i + 1));
    [a[i], a[j]] = [a[j], a[i]];
  }
  return a;
}

/** What one child sent to the sink: spans by scope, their attributes, metrics, log records. */
function emptyStats() {
  return {
    spans: 0,
    attributes: 0,
    events: 0,
    scopes: new Map(),
    contentKeys: new Set(),
    metricNames: new Set(),
    durationCount: 0,
    logRecords: 0,
    logContent: false,
    undecoded: 0,
  };
}

// Prompt or completion text on a span (attribute or span event) or in a log record.
const CONTENT = /prompt|completion|messages|content|input\.value|output\.value/i;
const isContent = (a) =>
  CONTENT.test(a.key) && typeof a.value?.stringValue === 'string' && a.value.stringValue !== '';

function collect(stats, body) {
  for (const rs of body.resourceSpans ?? [])
    for (const ss of rs.scopeSpans ?? [])
      for (const span of ss.spans ?? []) {
        stats.spans++;
        const scope = ss.scope?.name ?? '?';
        stats.scopes.set(scope, (stats.scopes.get(scope) ?? 0) + 1);
        stats.attributes += span.attributes?.length ?? 0;
        stats.events += span.events?.length ?? 0;
        for (const a of span.attributes ?? []) if (isContent(a)) stats.contentKeys.add(a.key);
        for (const e of span.events ?? [])
          for (const a of e.attributes ?? [])
            if (isContent(a)) stats.contentKeys.add(`${e.name}: ${a.key}`);
      }
  for (const rm of body.resourceMetrics ?? [])
    for (const sm of rm.scopeMetrics ?? []) {
      let count = 0;
      for (const m of sm.metrics ?? []) {
        stats.metricNames.add(m.name);
        if (m.name === 'gen_ai.client.operation.duration')
          for (const p of m.histogram?.dataPoints ?? []) count += Number(p.count);
      }
      // Cumulative: the last export holds the total.
      stats.durationCount = Math.max(stats.durationCount, count);
    }
  for (const rl of body.resourceLogs ?? [])
    for (const sl of rl.scopeLogs ?? [])
      for (const r of sl.logRecords ?? []) {
        stats.logRecords++;
        if ((r.attributes ?? []).some(isContent) || /content/.test(JSON.stringify(r.body ?? '')))
          stats.logContent = true;
      }
}

/** Two children's results (of one configuration, one round) as one. */
function merge(a, b) {
  if (!a) return b;
  const s = emptyStats();
  for (const x of [a.sink, b.sink]) {
    for (const k of ['spans', 'attributes', 'events', 'durationCount', 'logRecords', 'undecoded'])
      s[k] += x[k];
    for (const [n, c] of x.scopes) s.scopes.set(n, (s.scopes.get(n) ?? 0) + c);
    for (const k of x.contentKeys) s.contentKeys.add(k);
    for (const k of x.metricNames) s.metricNames.add(k);
    s.logContent ||= x.logContent;
  }
  const metrics = { ...a.metrics };
  for (const [k, v] of Object.entries(b.metrics ?? {})) metrics[k] = (metrics[k] ?? 0) + v;
  return {
    cpu: { ...a.cpu, ...b.cpu },
    made: { ...a.made, ...b.made },
    errors: { ...a.errors, ...b.errors },
    metrics,
    stderr: a.stderr + b.stderr,
    sink: s,
  };
}

function startSink() {
  let stats = emptyStats();
  const server = createServer((req, res) => {
    const parts = [];
    req.on('data', (c) => parts.push(c));
    req.on('end', () => {
      // mcpmeter's hub probe (`/mcpmeter/hub`) gets a 404, as from a Collector.
      if (!(req.url ?? '').startsWith('/v1/')) return res.writeHead(404).end();
      if (!String(req.headers['content-type']).includes('json')) {
        stats.undecoded++;
        return res.writeHead(200, { 'content-type': 'application/x-protobuf' }).end();
      }
      try {
        collect(stats, JSON.parse(Buffer.concat(parts).toString('utf8')));
      } catch {
        stats.undecoded++;
      }
      res.writeHead(200, { 'content-type': 'application/json' }).end('{}');
    });
  });
  return {
    server,
    take() {
      const s = stats;
      stats = emptyStats();
      return s;
    },
  };
}

function runChild(config, group, port, sink) {
  return new Promise((resolve, reject) => {
    // e.g. BENCH_NODE_FLAGS='--cpu-prof --cpu-prof-dir=/tmp/prof' to see where the time goes
    const flags = process.env.BENCH_NODE_FLAGS?.split(' ') ?? [];
    const p = spawn(process.execPath, [...flags, fileURLToPath(import.meta.url), '--child'], {
      cwd: BENCH,
      env: {
        ...process.env,
        BENCH_LLM_PEERS: JSON.stringify({ config, group, port, sink }),
        // Everything OTLP goes to the sink (mcpmeter's probe for a \`mcpmeter ui\` hub too:
        // the sink answers 404, as a Collector does).
        OTEL_EXPORTER_OTLP_ENDPOINT: sink,
        OTEL_LOG_LEVEL: 'error',
      },
      stdio: ['ignore', 'ignore', 'pipe', 'ipc'],
    });
    let stderr = '';
    let result;
    p.stderr.on('data', (d) => (stderr += d));
    p.on('message', (m) => (result = m));
    const timer = setTimeout(() => p.kill(), 300_000);
    p.on('exit', (code) => {
      clearTimeout(timer);
      if (result && code === 0) resolve({ ...result, stderr });
      else reject(new Error(`${config}: exit ${code}\n${stderr.slice(-2000)}`));
    });
  });
}

async function main() {
  for (const f of ['packages/node/dist/index.cjs', 'packages/instrumentation-llm/dist/index.cjs'])
    if (!existsSync(join(ROOT, f))) throw new Error(`${f} is missing: run pnpm build first`);
  const port = await freePort();
  const upstream = spawn(
    process.execPath,
    [join(ROOT, 'examples/llm-gateway/fake-upstream.mjs'), String(port)],
    { stdio: ['ignore', 'ignore', 'pipe'] },
  );
  await new Promise((resolve) => upstream.stderr.once('data', resolve));
  const sink = startSink();
  await new Promise((r) => sink.server.listen(0, '127.0.0.1', r));
  const sinkUrl = `http://127.0.0.1:${sink.server.address().port}`;

  const run = {
    cpu: Object.fromEntries(CONFIGS.map((c) => [c, Object.fromEntries(CASES.map((k) => [k, []]))])),
    last: {},
    failed: {},
  };
  const started = Date.now();
  run.loadStart = os.loadavg()[0];
  try {
    for (let round = 0; round < ROUNDS; round++) {
      const units = CONFIGS.flatMap((config) =>
        [...new Set(casesOf(config).map((k) => k.split('/')[0]))].map((group) => [config, group]),
      );
      const seen = new Set();
      for (const [config, group] of shuffle(units)) {
        if (run.failed[config]) continue;
        sink.take();
        try {
          const r = await runChild(config, group, port, sinkUrl);
          for (const [k, v] of Object.entries(r.cpu)) run.cpu[config][k].push(v);
          // What the configuration recorded: its children of this round, added up.
          if (!seen.has(config)) run.last[config] = undefined;
          seen.add(config);
          run.last[config] = merge(run.last[config], { ...r, sink: sink.take() });
        } catch (err) {
          run.failed[config] = String(err.message ?? err);
          process.stderr.write(`${run.failed[config]}\n`);
        }
      }
      process.stderr.write(
        `round ${round + 1}/${ROUNDS}: ${((Date.now() - started) / 1000).toFixed(0)} s\n`,
      );
    }
  } finally {
    upstream.kill();
    sink.server.close();
  }
  run.load = os.loadavg()[0];
  run.seconds = (Date.now() - started) / 1000;
  const md = report(run);
  process.stdout.write(md + '\n');
  if (process.argv.includes('--write')) await writeSection(SECTION.slice(3), md);
}

const KIND_LABELS = {
  json: 'non-streamed',
  stream: `${CHUNKS}-chunk stream`,
  burst: `${CHUNKS}-chunk stream, burst`,
};
const LABELS = {
  openai: '`openai`',
  anthropic: '`@anthropic-ai/sdk`',
  anthropic0: '`@anthropic-ai/sdk` 0.x',
};

function version(name) {
  const req = createRequire(join(BENCH, 'package.json'));
  for (let dir = dirname(req.resolve(name)); dir !== '/'; dir = dirname(dir)) {
    const f = join(dir, 'package.json');
    if (existsSync(f)) {
      const p = JSON.parse(readFileSync(f, 'utf8'));
      if (p.version && p.name) return p.version;
    }
  }
  return '?';
}

function report({ cpu, last, failed, load, loadStart, seconds }) {
  const med = (config, k) => (cpu[config]?.[k]?.length ? median(cpu[config][k]) : NaN);
  const added = (config, k) => med(config, k) - med('off', k);
  const us = (x) => (Number.isFinite(x) ? `${x.toFixed(0)} µs` : '—');
  const us2 = (x) => (Number.isFinite(x) ? `${x.toFixed(2)} µs` : '—');
  const signed = (x) => (Number.isFinite(x) ? `${x >= 0 ? '+' : ''}${x.toFixed(0)} µs` : '—');
  const times = (x) => (Number.isFinite(x) ? `${x.toFixed(2)}×` : '—');
  // Why a configuration has no figure for a case: the child failed, or the peer threw on the SDK.
  const whyNot = (config, k) => {
    if (failed[config]) return 'failed (below)';
    const sdk = k.startsWith('openai') ? 'openai' : '@anthropic-ai/sdk';
    if (!k.startsWith('anthropic0') && last[config]?.errors?.[sdk])
      return `threw on \`${sdk}\` (below)`;
    return 'not run';
  };
  // Per-round added CPU (each round's child against that round's `off`): the spread.
  const spread = (config, k) => {
    const a = cpu[config]?.[k] ?? [];
    const b = cpu.off?.[k] ?? [];
    const d = a.slice(0, b.length).map((x, i) => x - b[i]);
    return d.length ? `${Math.min(...d).toFixed(0)} to ${Math.max(...d).toFixed(0)}` : '—';
  };
  const rows = [];
  for (const k of CASES) {
    const [sdk, kind] = k.split('/');
    const stream = kind !== 'json';
    const label = `${LABELS[sdk]} ${KIND_LABELS[kind]}`;
    for (const config of CONFIGS) {
      if (!casesOf(config).includes(k)) continue;
      const v = med(config, k);
      if (!Number.isFinite(v)) {
        rows.push(`| ${label} | ${NAMES[config]} | ${whyNot(config, k)} | | | | |`);
        continue;
      }
      const isOff = config === 'off';
      rows.push(
        `| ${label} | ${NAMES[config]} | ${us(v)} | ${isOff ? '' : `**${signed(added(config, k))}**`} | ${isOff ? '' : times(v / med('off', k))} | ${stream ? us2(v / CHUNKS) : ''} | ${isOff ? '' : spread(config, k)} |`,
      );
    }
  }

  // Aims of issue 20, computed from the medians above.
  const verdict = (ok) => (ok ? '**met**' : '**not met**');
  const aims = [];
  for (const sdk of ['openai', 'anthropic']) {
    const j = `${sdk}/json`;
    const a = added('mcpmeter', j);
    aims.push(
      `| ${LABELS[sdk]} non-streamed: added client CPU ≤ 60 µs | ${signed(a)} | ${Number.isFinite(a) ? verdict(a <= 60) : 'not measured'} |`,
    );
    for (const peer of ['traceloop', 'openlit']) {
      if (!CONFIGS.includes(peer)) continue;
      let k = j;
      let note = '';
      // A peer that cannot patch this SDK version: compared where it can (0.x, same run).
      if (!Number.isFinite(added(peer, j)) && sdk === 'anthropic' && CASES_V0.length) {
        k = 'anthropic0/json';
        note = ` (on 0.x: ${NAMES[peer]} ${whyNot(peer, j).replace(' (below)', '')} 1.x)`;
      }
      const p = added(peer, k);
      const mine = added('mcpmeter', k);
      // Rounds in which mcpmeter's child used less CPU than the peer's child of the same round.
      const ours = cpu.mcpmeter?.[k] ?? [];
      const theirs = cpu[peer]?.[k] ?? [];
      const n = Math.min(ours.length, theirs.length);
      const below = ours.slice(0, n).filter((x, i) => x < theirs[i]).length;
      aims.push(
        `| ${LABELS[sdk]} non-streamed: below ${NAMES[peer]}${note} | ${signed(mine)} vs ${signed(p)}; below in ${below} of ${n} rounds | ${!Number.isFinite(p) ? `${NAMES[peer]} has no figure` : mine < p === below > n / 2 ? verdict(mine < p) : '**not shown**: the medians and the rounds disagree'} |`,
      );
    }
    for (const kind of ['stream', 'burst']) {
      const r = med('mcpmeter', `${sdk}/${kind}`) / med('off', `${sdk}/${kind}`);
      aims.push(
        `| ${LABELS[sdk]} ${KIND_LABELS[kind]}: ≤ 1.05× per chunk | ${times(r)} | ${Number.isFinite(r) ? verdict(r <= 1.05) : 'not measured'} |`,
      );
    }
  }

  // A bench that measured an uninstrumented call by accident would be worthless: each
  // instrumented configuration must have recorded every call it made.
  const verified = (config, l, calls) => {
    if (config === 'off')
      return l.sink.spans === 0 ? 'nothing, as expected' : '**spans from off!**';
    if (config === 'provider') return 'the SDKs’ own spans only';
    if (config === 'mcpmeter') {
      const ok = l.metrics.durationCount === calls && l.metrics.tokenSum > 0;
      return ok
        ? `yes (duration count ${calls}, tokens)`
        : `**no: duration count ${l.metrics.durationCount}**`;
    }
    const own = [...l.sink.scopes]
      .filter(([n]) => n.startsWith(config === 'openlit' ? '@openlit/' : '@traceloop/'))
      .reduce((a, [, c]) => a + c, 0);
    return own === calls ? `yes (${own} spans of its own)` : `**no: ${own} spans of its own**`;
  };
  // What each configuration recorded (its last child, as the sink decoded it).
  const recorded = CONFIGS.map((config) => {
    const l = last[config];
    if (!l) return `| ${NAMES[config]} | did not run | | | | | |`;
    const s = l.sink;
    const calls = Object.values(l.made).reduce((a, b) => a + b, 0);
    const scopes = [...s.scopes].map(([n, c]) => `${n} ×${c}`).join(', ') || '—';
    const attrs = s.spans ? (s.attributes / s.spans).toFixed(0) : '—';
    const contentKeys = [...s.contentKeys];
    const content =
      contentKeys.length || s.logContent
        ? `yes: ${[...contentKeys.slice(0, 4), ...(s.logContent ? ['log records'] : [])].join(', ')}${contentKeys.length > 4 ? ', …' : ''}`
        : 'no';
    const gen = [...s.metricNames].filter((n) => n.startsWith('gen_ai'));
    let metricsCell = s.metricNames.size
      ? `OTLP: ${gen.length} gen_ai metrics (${gen.slice(0, 3).join(', ')}${gen.length > 3 ? ', …' : ''}), duration count ${s.durationCount}`
      : '—';
    if (config === 'mcpmeter')
      metricsCell = `Prometheus: duration count ${l.metrics.durationCount}, token-usage count ${l.metrics.tokenCount} (${l.metrics.tokenSum} tokens), cost ${Number(l.metrics.costSum).toFixed(4)} USD`;
    return `| ${NAMES[config]} | ${calls} | ${verified(config, l, calls)} | ${s.spans} (${(s.spans / calls).toFixed(2)} per call): ${scopes} | ${attrs}${s.events ? ` + ${s.events} span events` : ''} | ${content} | ${metricsCell}${s.logRecords ? `; ${s.logRecords} log records` : ''} |`;
  });
  const errors = [];
  for (const config of CONFIGS) {
    if (failed[config])
      errors.push(
        `- ${NAMES[config]} failed: \`${failed[config].replace(/\s+/g, ' ').slice(0, 600)}\``,
      );
    const said = last[config]?.stderr?.trim();
    if (said)
      errors.push(
        `- ${NAMES[config]} wrote to stderr (${said.split('\n').length} lines), first: \`${said.split('\n')[0].slice(0, 200)}\``,
      );
    for (const [sdk, e] of Object.entries(last[config]?.errors ?? {}))
      errors.push(
        `- ${NAMES[config]}: \`require('${sdk}')\` (${version(sdk)}) after its set-up threw, from its require hook (an app doing this fails to start): \`${e}\``,
      );
  }

  let machine = '';
  try {
    machine = /model name\s*:\s*(.*)/.exec(readFileSync('/proc/cpuinfo', 'utf8'))?.[1] ?? '';
  } catch {
    machine = os.cpus()[0]?.model ?? '';
  }
  const versions = [
    'openai',
    '@anthropic-ai/sdk',
    'anthropic-sdk-v0',
    '@traceloop/node-server-sdk',
    'openlit',
  ]
    .map(
      (n) => `${n === 'anthropic-sdk-v0' ? '`@anthropic-ai/sdk` 0.x' : `\`${n}\``} ${version(n)}`,
    )
    .join(', ');
  return [
    SECTION,
    '',
    'Client CPU (user + system, `process.cpuUsage` of the client process only) per call, against the local fake',
    'upstream (`examples/llm-gateway/fake-upstream.mjs`, its own process, its CPU not counted): `openai`',
    '`chat.completions.create` (`gpt-4.1`) and `@anthropic-ai/sdk` `messages.create` (`claude-haiku-4-5`; the SDK',
    'warns on stderr at every call of a deprecated model such as `claude-sonnet-4-5` by now), non-streamed, and',
    `streamed with ${CHUNKS} content chunks, every chunk consumed: "stream" with ${CHUNK_DELAY_MS} ms between the upstream's chunks, so`,
    `that each arrives in its own read as from a real model, ${CONCURRENCY} streams at a time; "burst" with the chunks written back to`,
    "back (a stream arrives in a few large reads; the SDKs' SSE parsers copy the rest of their buffer at every",
    'event, so this mode weighs how the body is cut into reads), one at a time. Per round every configuration',
    'runs in a fresh child process per SDK (the peers patch modules globally; one SDK per child, so that the spans',
    "and garbage one SDK's calls leave are not paid in another's blocks), all shuffled; in it every case gets",
    `${WARMUP} warm-up calls, then ${CALLS} non-streamed calls or ${STREAM_CALLS} streams are measured per case, in ${BLOCKS} blocks interleaved across`,
    `the cases. Figures are medians over ${ROUNDS} rounds; "added" and "×" are against \`off\` of the same run; the last`,
    "column is the spread of the added CPU round by round (each child against that round's `off`). Versions:",
    `${versions}.`,
    '',
    '- **off**: the SDKs with no instrumentation, an `AsyncLocalStorageContextManager` enabled (as every other',
    '  column has one).',
    '- **tracer provider only**: off plus a registered tracer provider (the same batch processor and exporter as',
    '  the others) and no instrumentation: what the SDKs cost when they trace themselves (`@anthropic-ai/sdk` does).',
    '- **mcpmeter**: `register()` from `@mcpmeter/node` as a user calls it, with its defaults (Prometheus exposition',
    '  on a side port, FastHistograms, runtime metrics, the LLM instrumentation installed next to it, no content',
    '  capture) and spans over OTLP/HTTP to the local sink — `traces: { endpoint, protocol: "http/json" }`: its',
    '  default encoding is protobuf, JSON here so that every column exports alike; `OTEL_EXPORTER_OTLP_ENDPOINT` is',
    '  the sink, so its probe for a `mcpmeter ui` hub (every 5 s) gets a 404 there, as from a Collector.',
    '- **Traceloop**: `initialize()` of `@traceloop/node-server-sdk` with its defaults (every bundled',
    `  instrumentation, token enrichment on, ${NO_CONTENT ? 'content capture off (`traceContent: false`)' : 'prompt and completion content captured (its default)'}), \`exporter:\` the`,
    '  same OTLP/HTTP JSON exporter to the sink; its prompt-registry sync off (`traceloopSyncEnabled: false`: it',
    "  polls Traceloop's API).",
    '- **openlit**: `openlit.init({ otlpEndpoint })` as its quick start says: spans, metrics and events over OTLP/HTTP',
    `  JSON to the sink, ${NO_CONTENT ? 'content capture off (`captureMessageContent: false`)' : 'message content captured (its default)'}; \`pricingJson\` with the two models' prices`,
    '  (its default pricing file is on GitHub, out of reach here), so that it computes a cost as mcpmeter does.',
    '- The SDKs are `require`d after the instrumentation is set up, as a CommonJS app does; every tracer provider has',
    '  a `BatchSpanProcessor` with the OTel OTLP/HTTP JSON exporter (`@opentelemetry/exporter-trace-otlp-http`),',
    "  flushed at the end of every measured block inside its window, so that the export's CPU counts for the calls",
    "  whose spans it carries (openlit's log records likewise; metrics are exported on their own schedule).",
    '  `@anthropic-ai/sdk` 1.x traces its own calls (scope `com.anthropic.sdk.typescript`) once a tracer provider is',
    '  registered; mcpmeter enriches that span instead of starting a second one.',
    ...(CASES_V0.length
      ? [
          '- `@anthropic-ai/sdk` 0.x (devDependency alias `anthropic-sdk-v0`): Traceloop 0.27 patches',
          '  `Anthropic.Completions`, gone from 1.x, so it is measured on the newest 0.x too — off, tracer provider only, mcpmeter',
          '  (`instrumentAnthropic(client)`, the hook register() installs) and Traceloop (`new',
          '  AnthropicInstrumentation().manuallyInstrument(module)`), instrumented by hand since no require hook sees',
          '  the alias.',
        ]
      : []),
    '',
    `Machine: ${machine}, ${os.availableParallelism()} cores (shared), Node ${process.version}, ${new Date().toISOString().slice(0, 10)};`,
    `1-minute load average ${loadStart.toFixed(1)} at the start, ${load.toFixed(1)} at the end; the run took ${seconds.toFixed(0)} s. Run: \`pnpm build && node bench/llm-peers.mjs --write\`.`,
    '',
    '`openai` does not trace itself, so for it the tracer-provider-only column differs from off by noise alone:',
    "it shows this run's noise floor.",
    '',
    '| call | config | CPU per call | added | × off | per chunk | added per round |',
    '| --- | --- | ---: | ---: | ---: | ---: | ---: |',
    ...rows,
    '',
    'What each configuration recorded in its children of the last round, as the sink decoded it:',
    '',
    '| config | calls | every call recorded? | spans | attributes per span | content captured | metrics |',
    '| --- | ---: | --- | --- | ---: | --- | --- |',
    ...recorded,
    ...(errors.length ? ['', ...errors] : []),
    '',
    'Aims of issue 20, from this run:',
    '',
    '| aim | this run | |',
    '| --- | --- | --- |',
    ...aims,
    ...(CONFIGS.includes('provider')
      ? [
          '',
          `Over the tracer-provider-only column instead of off (registering any tracer provider makes \`@anthropic-ai/sdk\``,
          `trace itself), mcpmeter adds to a non-streamed call: ${[
            'openai',
            'anthropic',
            ...(CASES_V0.length ? ['anthropic0'] : []),
          ]
            .map(
              (sdk) =>
                `${LABELS[sdk]} ${signed(med('mcpmeter', `${sdk}/json`) - med('provider', `${sdk}/json`))}`,
            )
            .join(', ')}.`,
        ]
      : []),
  ].join('\n');
}

if (process.argv[2] === '--child') await child();
else await main();
