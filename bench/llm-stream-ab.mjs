// A same-process A/B of streamed SDK calls, for development (not in run.mjs): an `openai` or
// `@anthropic-ai/sdk` client whose `fetch` returns a generated SSE body, one event per read (each read a
// macrotask later, as chunks spaced by a real model arrive), 200 content chunks. Uninstrumented ("off"),
// instrumented with this build's dist ("on") and, with BENCH_BASE, another build ("base") alternate in blocks
// in one process; client CPU (process.cpuUsage) per stream, medians of the blocks, and the added CPU per
// chunk. No network, so the per-chunk cost of the stream tap shows without the upstream's noise.
//
//   node bench/llm-stream-ab.mjs [openai|anthropic] [blocks=30] [streams per block=10]
//   BENCH_BASE=path/to/other/dist/index.mjs node bench/llm-stream-ab.mjs anthropic
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
const ROOT = join(dirname(fileURLToPath(import.meta.url)), '..');
const PKG = join(ROOT, 'packages/instrumentation-llm');
const req = createRequire(join(PKG, 'package.json'));
const rootReq = createRequire(join(ROOT, 'package.json'));
const load = (n) => import(pathToFileURL(req.resolve(n)).href);
const loadRoot = (n) => import(pathToFileURL(rootReq.resolve(n)).href);
const kind = process.argv[2] ?? 'openai';
const BLOCKS = Number(process.argv[3] ?? 40),
  PER = Number(process.argv[4] ?? 10),
  CHUNKS = 200;
const api = await load('@opentelemetry/api');
const { AsyncLocalStorageContextManager } = await loadRoot('@opentelemetry/context-async-hooks');
const { MeterProvider } = await loadRoot('@opentelemetry/sdk-metrics');
const { TracerProvider, BatchSpanProcessor } = await loadRoot('@opentelemetry/sdk-trace');
api.context.setGlobalContextManager(new AsyncLocalStorageContextManager().enable());
const { FastHistograms, SEMCONV_HISTOGRAMS } = await import(
  pathToFileURL(join(ROOT, 'packages/node/dist/index.mjs')).href
);
const fast = new FastHistograms({ histograms: SEMCONV_HISTOGRAMS, cardinalityLimit: 2000 });
api.metrics.setGlobalMeterProvider(fast.wrap(new MeterProvider({ readers: [] })));
const drop = { export: (_s, cb) => cb({ code: 0 }), shutdown: () => Promise.resolve() };
api.trace.setGlobalTracerProvider(
  new TracerProvider({
    spanProcessors: [new BatchSpanProcessor({ exporter: drop, scheduledDelayMillis: 100 })],
  }),
);
const dists = { on: await import(pathToFileURL(join(PKG, 'dist/index.mjs')).href) };
if (process.env.BENCH_BASE) dists.base = await import(pathToFileURL(process.env.BENCH_BASE).href);
const enc = new TextEncoder();
const ev = (o, e) => enc.encode(`${e ? `event: ${e}\n` : ''}data: ${JSON.stringify(o)}\n\n`);
function body() {
  const parts = [];
  if (kind === 'openai') {
    const base = { id: 'c', object: 'chat.completion.chunk', created: 1, model: 'gpt-4.1' };
    for (let i = 0; i < CHUNKS; i++)
      parts.push(
        ev({ ...base, choices: [{ index: 0, delta: { content: ' tok' }, finish_reason: null }] }),
      );
    parts.push(ev({ ...base, choices: [{ index: 0, delta: {}, finish_reason: 'stop' }] }));
    parts.push(
      ev({
        ...base,
        choices: [],
        usage: { prompt_tokens: 10, completion_tokens: CHUNKS, total_tokens: 10 + CHUNKS },
      }),
    );
    parts.push(enc.encode('data: [DONE]\n\n'));
  } else {
    parts.push(
      ev(
        {
          type: 'message_start',
          message: {
            id: 'm',
            type: 'message',
            role: 'assistant',
            model: 'claude-sonnet-4-6',
            content: [],
            usage: { input_tokens: 10, output_tokens: 1 },
          },
        },
        'message_start',
      ),
    );
    parts.push(
      ev(
        { type: 'content_block_start', index: 0, content_block: { type: 'text', text: '' } },
        'content_block_start',
      ),
    );
    for (let i = 0; i < CHUNKS; i++)
      parts.push(
        ev(
          { type: 'content_block_delta', index: 0, delta: { type: 'text_delta', text: ' tok' } },
          'content_block_delta',
        ),
      );
    parts.push(ev({ type: 'content_block_stop', index: 0 }, 'content_block_stop'));
    parts.push(
      ev(
        {
          type: 'message_delta',
          delta: { stop_reason: 'end_turn' },
          usage: { output_tokens: CHUNKS },
        },
        'message_delta',
      ),
    );
    parts.push(ev({ type: 'message_stop' }, 'message_stop'));
  }
  let i = 0;
  return new ReadableStream({
    type: 'bytes',
    async pull(c) {
      await new Promise(setImmediate);
      if (i < parts.length) c.enqueue(parts[i++].slice());
      else c.close();
    },
  });
}
const fetchFn = async () =>
  new Response(body(), { status: 200, headers: { 'content-type': 'text/event-stream' } });
let clients;
if (kind === 'openai') {
  const { default: OpenAI } = await load('openai');
  const mk = () =>
    new OpenAI({ apiKey: 'k', baseURL: 'http://bench.local/v1', maxRetries: 0, fetch: fetchFn });
  clients = {
    off: mk(),
    ...Object.fromEntries(Object.entries(dists).map(([k, d]) => [k, d.instrumentOpenAI(mk())])),
  };
} else {
  const { default: Anthropic } = await load('@anthropic-ai/sdk');
  const mk = () =>
    new Anthropic({ apiKey: 'k', baseURL: 'http://bench.local', maxRetries: 0, fetch: fetchFn });
  clients = {
    off: mk(),
    ...Object.fromEntries(Object.entries(dists).map(([k, d]) => [k, d.instrumentAnthropic(mk())])),
  };
}
const call = async (c) => {
  const s =
    kind === 'openai'
      ? await c.chat.completions.create({
          model: 'gpt-4.1',
          stream: true,
          messages: [{ role: 'user', content: 'hi' }],
        })
      : await c.messages.create({
          model: 'claude-sonnet-4-6',
          max_tokens: 10,
          stream: true,
          messages: [{ role: 'user', content: 'hi' }],
        });
  let n = 0;
  for await (const _ of s) n++;
  return n;
};
// BENCH_ONLY=on|off: that side alone (to profile it with --cpu-prof).
const sides = process.env.BENCH_ONLY ? [process.env.BENCH_ONLY] : Object.keys(clients);
for (const s of sides) for (let i = 0; i < 20; i++) await call(clients[s]);
const per = Object.fromEntries(sides.map((s) => [s, []]));
for (let b = 0; b < BLOCKS; b++)
  for (const s of b % 2 ? sides : [...sides].reverse()) {
    const t0 = process.cpuUsage();
    for (let i = 0; i < PER; i++) await call(clients[s]);
    const c = process.cpuUsage(t0);
    per[s].push((c.user + c.system) / PER);
  }
const med = (xs) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];
if (process.env.BENCH_ONLY) {
  console.log(kind, process.env.BENCH_ONLY, med(per[sides[0]]).toFixed(0), 'µs per stream');
  process.exit(0);
}
const off = med(per.off);
console.log(
  kind,
  'per stream off',
  off.toFixed(0),
  'µs;',
  Object.keys(dists)
    .map(
      (s) =>
        `${s} ${med(per[s]).toFixed(0)} (added ${med(per[s].map((x, i) => x - per.off[i])).toFixed(0)} µs = ${(med(per[s].map((x, i) => x - per.off[i])) / (CHUNKS + 3)).toFixed(2)} µs/chunk)`,
    )
    .join('; '),
);
