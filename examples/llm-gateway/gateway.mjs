#!/usr/bin/env node
/*
 * llm-gateway: a small HTTP relay, the seed use case of mcpmeter. MCP servers'
 * tools (or agents) POST to its /chat endpoint; it forwards to an
 * OpenAI-compatible upstream (OpenAI itself, a relay, vLLM, Ollama…) through a
 * `fetch` wrapped with instrumentFetch, so every call gets a span, token and
 * cost metrics, latency and time to first chunk.
 *
 *   POST /chat  {"messages":[{"role":"user","content":"hi"}], "model"?: "gpt-4.1-mini", "stream"?: true}
 *     -> {"model","content","usage"}            (JSON)
 *     -> the upstream's server-sent events      (stream: true)
 *   Headers x-fake-* are passed to the upstream, so the fake upstream's
 *   scenarios (errors, no usage, cut streams…) can be driven through the gateway.
 *
 * Run: `node examples/llm-gateway/gateway.mjs` (after `pnpm build`). Without
 * UPSTREAM_BASE_URL it starts the local fake upstream, so it works offline.
 * Env: PORT (8787), HOST (127.0.0.1), UPSTREAM_BASE_URL, UPSTREAM_PROVIDER (openai),
 * UPSTREAM_CATALOG_PROVIDER, UPSTREAM_API_KEY, GATEWAY_MODEL (gpt-4.1-mini),
 * UPSTREAM_TIMEOUT_MS (120000: an upstream call that takes longer is cut and answered 504),
 * OTEL_EXPORTER_PROMETHEUS_PORT (9464: /metrics).
 */
import { createServer } from 'node:http';
import { pathToFileURL } from 'node:url';
import { instrumentFetch } from '@mcpmeter/instrumentation-llm';

const MAX_BODY = 1024 * 1024;

/**
 * Starts the gateway.
 * @param {{
 *   port?: number, host?: string, upstreamBaseURL: string, providerName?: string,
 *   catalogProvider?: string, apiKey?: string, defaultModel?: string, timeoutMs?: number,
 *   llm?: Omit<import('@mcpmeter/instrumentation-llm').InstrumentFetchOptions, 'endpoints'>
 * }} options
 */
export async function startGateway(options) {
  const upstream = options.upstreamBaseURL.replace(/\/+$/, '');
  const relayFetch = instrumentFetch(fetch, {
    ...options.llm,
    endpoints: [
      {
        baseURL: upstream,
        providerName: options.providerName ?? 'openai',
        catalogProvider: options.catalogProvider,
      },
    ],
  });
  const defaultModel = options.defaultModel ?? 'gpt-4.1-mini';
  const timeoutMs = options.timeoutMs ?? 120_000;

  const server = createServer((req, res) => {
    void handle(req, res).catch((err) => {
      process.stderr.write(`llm-gateway: ${String(err)}\n`);
      if (!res.headersSent) res.writeHead(500, { 'content-type': 'application/json' });
      res.end(JSON.stringify({ error: 'internal error' }));
    });
  });

  /** @param {import('node:http').IncomingMessage} req @param {import('node:http').ServerResponse} res */
  async function handle(req, res) {
    const path = new URL(req.url ?? '/', 'http://gateway').pathname;
    if (req.method === 'GET' && path === '/healthz') return void res.writeHead(200).end('ok');
    if (req.method !== 'POST' || path !== '/chat') return void res.writeHead(404).end();
    const body = await readJson(req);
    if (!body || !Array.isArray(body.messages)) {
      res.writeHead(400, { 'content-type': 'application/json' });
      return void res.end(
        JSON.stringify({ error: 'expected {"messages":[{"role":"user","content":"…"}]}' }),
      );
    }
    const stream = body.stream === true;
    /** @type {Record<string, string>} */
    const headers = { 'content-type': 'application/json' };
    if (options.apiKey) headers.authorization = `Bearer ${options.apiKey}`;
    for (const [k, v] of Object.entries(req.headers)) {
      if (k.startsWith('x-fake-') && typeof v === 'string') headers[k] = v;
    }
    const ac = new AbortController();
    res.on('close', () => {
      if (!res.writableFinished) ac.abort();
    });
    let upstreamRes;
    try {
      upstreamRes = await relayFetch(`${upstream}/chat/completions`, {
        method: 'POST',
        headers,
        // The client going away cancels the call; a slow upstream ends as a timeout.
        signal: AbortSignal.any([ac.signal, AbortSignal.timeout(timeoutMs)]),
        body: JSON.stringify({
          model: typeof body.model === 'string' ? body.model : defaultModel,
          messages: body.messages,
          stream,
          // The gateway owns the upstream request, so it asks for usage on streams itself.
          ...(stream ? { stream_options: { include_usage: true } } : {}),
        }),
      });
    } catch (err) {
      const timedOut = /** @type {{ name?: unknown }} */ (err)?.name === 'TimeoutError';
      res.writeHead(timedOut ? 504 : 502, { 'content-type': 'application/json' });
      return void res.end(
        JSON.stringify({
          error: timedOut ? `upstream timeout after ${timeoutMs} ms` : 'upstream unreachable',
          detail: String(err),
        }),
      );
    }
    if (!upstreamRes.ok) {
      await upstreamRes.body?.cancel();
      res.writeHead(502, { 'content-type': 'application/json' });
      return void res.end(
        JSON.stringify({ error: 'upstream error', upstreamStatus: upstreamRes.status }),
      );
    }
    if (stream) {
      res.writeHead(200, { 'content-type': 'text/event-stream', 'cache-control': 'no-cache' });
      try {
        for await (const chunk of /** @type {AsyncIterable<Uint8Array>} */ (upstreamRes.body)) {
          if (!res.write(chunk)) await new Promise((r) => res.once('drain', r));
        }
      } catch {
        // upstream cut the stream: end ours too
      }
      return void res.end();
    }
    const json =
      /** @type {{ model?: string, choices?: { message?: { content?: string } }[], usage?: unknown }} */ (
        await upstreamRes.json()
      );
    res.writeHead(200, { 'content-type': 'application/json' });
    res.end(
      JSON.stringify({
        model: json.model,
        content: json.choices?.[0]?.message?.content ?? '',
        usage: json.usage ?? null,
      }),
    );
  }

  await new Promise((resolve) =>
    server.listen(options.port ?? 0, options.host ?? '127.0.0.1', () => resolve(undefined)),
  );
  const addr = /** @type {import('node:net').AddressInfo} */ (server.address());
  return {
    url: `http://${options.host ?? '127.0.0.1'}:${addr.port}`,
    port: addr.port,
    close: () => {
      server.closeAllConnections();
      return new Promise((resolve) => server.close(() => resolve(undefined)));
    },
  };
}

/** @param {import('node:http').IncomingMessage} req */
async function readJson(req) {
  const chunks = [];
  let size = 0;
  for await (const chunk of req) {
    size += chunk.length;
    if (size > MAX_BODY) return undefined;
    chunks.push(chunk);
  }
  try {
    return JSON.parse(Buffer.concat(chunks).toString('utf8'));
  } catch {
    return undefined;
  }
}

/** @param {string | undefined} value */
function timeoutFromEnv(value) {
  if (value === undefined || value.trim() === '') return undefined;
  const ms = Number(value);
  if (Number.isInteger(ms) && ms > 0) return ms;
  process.stderr.write(
    `llm-gateway: UPSTREAM_TIMEOUT_MS is ${JSON.stringify(value)}; use a whole number of milliseconds such as 30000 (using the default 120000)\n`,
  );
  return undefined;
}

async function main() {
  const { register } = await import('@mcpmeter/node');
  const telemetry = register({ serviceName: process.env.OTEL_SERVICE_NAME ?? 'llm-gateway' });
  let upstreamBaseURL = process.env.UPSTREAM_BASE_URL;
  /** @type {{ close(): Promise<void> } | undefined} */
  let fake;
  if (!upstreamBaseURL) {
    const { startFakeUpstream } = await import('./fake-upstream.mjs');
    const started = await startFakeUpstream();
    fake = started;
    upstreamBaseURL = started.baseURL;
    process.stderr.write(
      `llm-gateway: no UPSTREAM_BASE_URL, using the fake upstream at ${upstreamBaseURL}\n`,
    );
  }
  const gateway = await startGateway({
    port: Number(process.env.PORT ?? 8787),
    host: process.env.HOST ?? '127.0.0.1',
    upstreamBaseURL,
    providerName: process.env.UPSTREAM_PROVIDER ?? 'openai',
    catalogProvider: process.env.UPSTREAM_CATALOG_PROVIDER,
    apiKey: process.env.UPSTREAM_API_KEY,
    defaultModel: process.env.GATEWAY_MODEL,
    timeoutMs: timeoutFromEnv(process.env.UPSTREAM_TIMEOUT_MS),
  });
  await telemetry.ready.catch((err) => process.stderr.write(`llm-gateway: ${String(err)}\n`));
  process.stderr.write(
    `llm-gateway: POST ${gateway.url}/chat; metrics at ${telemetry.metricsUrl ?? '(see OTEL_METRICS_EXPORTER)'}\n`,
  );
  const stop = () =>
    void gateway
      .close()
      .then(() => fake?.close())
      .then(() => telemetry.shutdown())
      .then(() => process.exit(0));
  process.once('SIGTERM', stop);
  process.once('SIGINT', stop);
}

if (import.meta.url === pathToFileURL(process.argv[1] ?? '').href) await main();
