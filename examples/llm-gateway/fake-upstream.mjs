#!/usr/bin/env node
/*
 * A local stand-in for OpenAI- and Anthropic-compatible APIs, for the demo,
 * the tests and the benchmarks: no network, no key. It speaks
 *   POST /v1/chat/completions   (JSON, or SSE with `stream: true`)
 *   POST /v1/responses          (JSON or SSE)
 *   POST /v1/embeddings         (JSON)
 *   POST /v1/messages           (Anthropic JSON or SSE)
 * and misbehaves on request, through headers:
 *   x-fake-scenario: no-usage | fail-429 | fail-500 | fail-400 | flaky-429 | flaky-500 | hang | cut | error-event
 *     (flaky-*: the first attempt per x-fake-key fails, the retry succeeds;
 *      hang: never answers; cut: a stream stops halfway without its end event)
 *   x-fake-usage: {"input":120,"output":30,"cacheRead":40,"cacheCreation":10,"reasoning":12}
 *     (`input` is the total input, cached tokens included; `output` includes reasoning)
 *   x-fake-chunks: number of content chunks in a stream (default 3)
 *   x-fake-chunk-delay-ms: pause between chunks
 *   x-fake-response-model: the model name to answer with (default: the requested one)
 *
 * Run it alone: `node examples/llm-gateway/fake-upstream.mjs [port]`.
 */
import { createServer } from 'node:http';
import { pathToFileURL } from 'node:url';

/** @typedef {{ input?: number, output?: number, cacheRead?: number, cacheCreation?: number, reasoning?: number }} FakeUsage */

export const DEFAULT_USAGE = Object.freeze({
  input: 120,
  output: 30,
  cacheRead: 40,
  cacheCreation: 10,
  reasoning: 12,
});

/** OpenAI chat / embeddings usage: prompt_tokens includes cached tokens. */
export function openaiChatUsage(u) {
  return {
    prompt_tokens: u.input ?? 0,
    completion_tokens: u.output ?? 0,
    total_tokens: (u.input ?? 0) + (u.output ?? 0),
    prompt_tokens_details: { cached_tokens: u.cacheRead ?? 0 },
    completion_tokens_details: { reasoning_tokens: u.reasoning ?? 0 },
  };
}

/** OpenAI responses usage. */
export function openaiResponsesUsage(u) {
  return {
    input_tokens: u.input ?? 0,
    input_tokens_details: { cached_tokens: u.cacheRead ?? 0 },
    output_tokens: u.output ?? 0,
    output_tokens_details: { reasoning_tokens: u.reasoning ?? 0 },
    total_tokens: (u.input ?? 0) + (u.output ?? 0),
  };
}

/** Anthropic usage: input_tokens EXCLUDES cache reads and writes. */
export function anthropicUsage(u) {
  const cacheRead = u.cacheRead ?? 0;
  const cacheCreation = u.cacheCreation ?? 0;
  return {
    input_tokens: (u.input ?? 0) - cacheRead - cacheCreation,
    cache_read_input_tokens: cacheRead,
    cache_creation_input_tokens: cacheCreation,
    output_tokens: u.output ?? 0,
  };
}

const WORDS = ['Hello', ' from', ' the', ' fake', ' upstream', '.'];

/**
 * Starts the fake upstream on 127.0.0.1.
 * @param {{ port?: number, usage?: FakeUsage, chunks?: number }} [options]
 */
export async function startFakeUpstream(options = {}) {
  const requests = [];
  const attemptsByKey = new Map();
  const hanging = new Set();
  const server = createServer((req, res) => {
    const parts = [];
    req.on('data', (c) => parts.push(c));
    req.on('end', () => {
      let body = {};
      try {
        body = JSON.parse(Buffer.concat(parts).toString('utf8') || '{}');
      } catch {
        body = {};
      }
      const h = (name) => {
        const v = req.headers[name];
        return Array.isArray(v) ? v[0] : v;
      };
      const scenario = h('x-fake-scenario') ?? '';
      const key = `${h('x-fake-key') ?? 'default'}:${req.url}`;
      const attempt = (attemptsByKey.get(key) ?? 0) + 1;
      attemptsByKey.set(key, attempt);
      requests.push({ path: req.url, body, headers: { ...req.headers }, attempt });
      const ctx = {
        body,
        scenario,
        usage: {
          ...DEFAULT_USAGE,
          ...options.usage,
          ...(h('x-fake-usage') ? JSON.parse(h('x-fake-usage')) : {}),
        },
        chunks: Number(h('x-fake-chunks') ?? options.chunks ?? 3),
        delay: Number(h('x-fake-chunk-delay-ms') ?? 0),
        model: h('x-fake-response-model') ?? body.model ?? 'unknown-model',
      };
      const fail = (status) => {
        res.writeHead(status, {
          'content-type': 'application/json',
          'retry-after-ms': '1',
          'x-should-retry': status === 400 ? 'false' : 'true',
        });
        res.end(
          JSON.stringify({
            error: {
              type:
                status === 429
                  ? 'rate_limit_error'
                  : status === 400
                    ? 'invalid_request_error'
                    : 'api_error',
              message: `fake ${status}`,
            },
            type: 'error',
          }),
        );
      };
      if (scenario === 'fail-429') return fail(429);
      if (scenario === 'fail-500') return fail(500);
      if (scenario === 'fail-400') return fail(400);
      if (scenario === 'flaky-429' && attempt === 1) return fail(429);
      if (scenario === 'flaky-500' && attempt === 1) return fail(500);
      if (scenario === 'hang') {
        hanging.add(res);
        res.on('close', () => hanging.delete(res));
        return;
      }
      const route = req.url?.split('?')[0] ?? '';
      if (route.endsWith('/chat/completions')) return chat(res, ctx);
      if (route.endsWith('/responses')) return responses(res, ctx);
      if (route.endsWith('/embeddings')) return embeddings(res, ctx);
      if (route.endsWith('/messages')) return messages(res, ctx);
      res
        .writeHead(404, { 'content-type': 'application/json' })
        .end('{"error":{"message":"not found"}}');
    });
  });
  // Clients keep connections alive between calls; with Node's 5 s default a slow
  // client (a loaded machine, a large import between two calls) may reuse a socket
  // the server has just closed, and its retry would count as a second call.
  server.keepAliveTimeout = 120_000;
  await new Promise((resolve) => server.listen(options.port ?? 0, '127.0.0.1', resolve));
  const addr = server.address();
  const port = typeof addr === 'object' && addr ? addr.port : 0;
  const url = `http://127.0.0.1:${port}`;
  return {
    url,
    /** Base URL for OpenAI-style clients (`.../v1`); Anthropic clients take `url`. */
    baseURL: `${url}/v1`,
    port,
    requests,
    async close() {
      for (const res of hanging) res.destroy();
      server.closeAllConnections?.();
      await new Promise((resolve) => server.close(() => resolve(undefined)));
    },
  };
}

function sseHead(res) {
  res.writeHead(200, {
    'content-type': 'text/event-stream',
    'cache-control': 'no-cache',
    connection: 'keep-alive',
  });
  res.flushHeaders();
}

/** Writes events one by one, honouring backpressure and the per-chunk delay. */
async function writeEvents(res, ctx, events, { cutAt } = {}) {
  let i = 0;
  for (const ev of events) {
    if (res.destroyed) return;
    if (cutAt !== undefined && i === cutAt) {
      // let what was written reach the client, then drop the connection mid-stream
      await new Promise((r) => setTimeout(r, 20));
      res.socket?.destroy();
      return;
    }
    const line = ev.event ? `event: ${ev.event}\ndata: ${ev.data}\n\n` : `data: ${ev.data}\n\n`;
    if (!res.write(line)) await new Promise((r) => res.once('drain', r));
    if (ctx.delay > 0) await new Promise((r) => setTimeout(r, ctx.delay));
    i++;
  }
  res.end();
}

function word(i) {
  return WORDS[i % WORDS.length];
}

function* chatEvents(ctx, id, created, withUsage) {
  for (let i = 0; i < ctx.chunks; i++) {
    const delta = i === 0 ? { role: 'assistant', content: word(i) } : { content: word(i) };
    yield {
      data: JSON.stringify({
        id,
        object: 'chat.completion.chunk',
        created,
        model: ctx.model,
        choices: [{ index: 0, delta, finish_reason: null }],
      }),
    };
  }
  if (ctx.scenario === 'error-event') {
    yield {
      data: JSON.stringify({ error: { type: 'server_error', message: 'fake error event' } }),
    };
    return;
  }
  yield {
    data: JSON.stringify({
      id,
      object: 'chat.completion.chunk',
      created,
      model: ctx.model,
      choices: [{ index: 0, delta: {}, finish_reason: 'stop' }],
    }),
  };
  if (withUsage) {
    yield {
      data: JSON.stringify({
        id,
        object: 'chat.completion.chunk',
        created,
        model: ctx.model,
        choices: [],
        usage: openaiChatUsage(ctx.usage),
      }),
    };
  }
  yield { data: '[DONE]' };
}

function chat(res, ctx) {
  const id = `chatcmpl-fake${Date.now()}`;
  const created = Math.floor(Date.now() / 1000);
  const noUsage = ctx.scenario === 'no-usage';
  if (ctx.body.stream) {
    sseHead(res);
    const withUsage = !noUsage && ctx.body.stream_options?.include_usage === true;
    void writeEvents(res, ctx, chatEvents(ctx, id, created, withUsage), {
      cutAt: ctx.scenario === 'cut' ? Math.floor(ctx.chunks / 2) : undefined,
    });
    return;
  }
  const text = Array.from({ length: ctx.chunks }, (_, i) => word(i)).join('');
  const out = {
    id,
    object: 'chat.completion',
    created,
    model: ctx.model,
    choices: [
      {
        index: 0,
        message: { role: 'assistant', content: text, refusal: null },
        finish_reason: 'stop',
        logprobs: null,
      },
    ],
  };
  if (!noUsage) out.usage = openaiChatUsage(ctx.usage);
  res
    .writeHead(200, { 'content-type': 'application/json', 'x-request-id': 'req_fake' })
    .end(JSON.stringify(out));
}

function responseObject(ctx, id, status, text) {
  const out = {
    id,
    object: 'response',
    created_at: Math.floor(Date.now() / 1000),
    status,
    model: ctx.model,
    output:
      text === undefined
        ? []
        : [
            {
              id: 'msg_fake',
              type: 'message',
              role: 'assistant',
              status: 'completed',
              content: [{ type: 'output_text', text, annotations: [] }],
            },
          ],
  };
  if (status === 'completed' && ctx.scenario !== 'no-usage')
    out.usage = openaiResponsesUsage(ctx.usage);
  return out;
}

function* responsesEvents(ctx, id) {
  let seq = 0;
  yield {
    event: 'response.created',
    data: JSON.stringify({
      type: 'response.created',
      sequence_number: seq++,
      response: responseObject(ctx, id, 'in_progress'),
    }),
  };
  let text = '';
  for (let i = 0; i < ctx.chunks; i++) {
    text += word(i);
    yield {
      event: 'response.output_text.delta',
      data: JSON.stringify({
        type: 'response.output_text.delta',
        sequence_number: seq++,
        item_id: 'msg_fake',
        output_index: 0,
        content_index: 0,
        delta: word(i),
      }),
    };
  }
  yield {
    event: 'response.completed',
    data: JSON.stringify({
      type: 'response.completed',
      sequence_number: seq++,
      response: responseObject(ctx, id, 'completed', text),
    }),
  };
}

function responses(res, ctx) {
  const id = `resp_fake${Date.now()}`;
  if (ctx.body.stream) {
    sseHead(res);
    void writeEvents(res, ctx, responsesEvents(ctx, id), {
      cutAt: ctx.scenario === 'cut' ? Math.floor(ctx.chunks / 2) : undefined,
    });
    return;
  }
  const text = Array.from({ length: ctx.chunks }, (_, i) => word(i)).join('');
  res
    .writeHead(200, { 'content-type': 'application/json' })
    .end(JSON.stringify(responseObject(ctx, id, 'completed', text)));
}

function embeddings(res, ctx) {
  const inputs = Array.isArray(ctx.body.input) ? ctx.body.input : [ctx.body.input];
  const vector = [0.1, 0.2, 0.3];
  const data = inputs.map((_, index) => ({
    object: 'embedding',
    index,
    embedding:
      ctx.body.encoding_format === 'base64'
        ? Buffer.from(new Float32Array(vector).buffer).toString('base64')
        : vector,
  }));
  const out = { object: 'list', data, model: ctx.model };
  if (ctx.scenario !== 'no-usage')
    out.usage = { prompt_tokens: ctx.usage.input ?? 0, total_tokens: ctx.usage.input ?? 0 };
  res.writeHead(200, { 'content-type': 'application/json' }).end(JSON.stringify(out));
}

function* messageEvents(ctx, id) {
  const usage = anthropicUsage(ctx.usage);
  const noUsage = ctx.scenario === 'no-usage';
  const startUsage = noUsage ? { output_tokens: 0 } : { ...usage, output_tokens: 1 };
  yield {
    event: 'message_start',
    data: JSON.stringify({
      type: 'message_start',
      message: {
        id,
        type: 'message',
        role: 'assistant',
        model: ctx.model,
        content: [],
        stop_reason: null,
        stop_sequence: null,
        usage: startUsage,
      },
    }),
  };
  yield {
    event: 'content_block_start',
    data: JSON.stringify({
      type: 'content_block_start',
      index: 0,
      content_block: { type: 'text', text: '' },
    }),
  };
  for (let i = 0; i < ctx.chunks; i++) {
    yield {
      event: 'content_block_delta',
      data: JSON.stringify({
        type: 'content_block_delta',
        index: 0,
        delta: { type: 'text_delta', text: word(i) },
      }),
    };
  }
  if (ctx.scenario === 'error-event') {
    yield {
      event: 'error',
      data: JSON.stringify({
        type: 'error',
        error: { type: 'overloaded_error', message: 'Overloaded' },
      }),
    };
    return;
  }
  yield {
    event: 'content_block_stop',
    data: JSON.stringify({ type: 'content_block_stop', index: 0 }),
  };
  yield {
    event: 'message_delta',
    data: JSON.stringify({
      type: 'message_delta',
      delta: { stop_reason: 'end_turn', stop_sequence: null },
      usage: noUsage ? {} : { output_tokens: usage.output_tokens },
    }),
  };
  yield { event: 'message_stop', data: JSON.stringify({ type: 'message_stop' }) };
}

function messages(res, ctx) {
  const id = `msg_fake${Date.now()}`;
  if (ctx.body.stream) {
    sseHead(res);
    void writeEvents(res, ctx, messageEvents(ctx, id), {
      cutAt: ctx.scenario === 'cut' ? 2 + Math.floor(ctx.chunks / 2) : undefined,
    });
    return;
  }
  const text = Array.from({ length: ctx.chunks }, (_, i) => word(i)).join('');
  const out = {
    id,
    type: 'message',
    role: 'assistant',
    model: ctx.model,
    content: [{ type: 'text', text }],
    stop_reason: 'end_turn',
    stop_sequence: null,
    usage:
      ctx.scenario === 'no-usage'
        ? { input_tokens: 0, output_tokens: 0 }
        : anthropicUsage(ctx.usage),
  };
  if (ctx.scenario === 'no-usage') delete out.usage;
  res
    .writeHead(200, { 'content-type': 'application/json', 'request-id': 'req_fake' })
    .end(JSON.stringify(out));
}

if (import.meta.url === pathToFileURL(process.argv[1] ?? '').href) {
  const upstream = await startFakeUpstream({ port: Number(process.argv[2] ?? 0) });
  process.stderr.write(
    `fake upstream listening on ${upstream.url} (OpenAI base URL ${upstream.baseURL})\n`,
  );
  const stop = () => void upstream.close().then(() => process.exit(0));
  process.on('SIGINT', stop);
  process.on('SIGTERM', stop);
}
