/*
 * Local upstreams that speak the Gemini, Ollama and Bedrock wire formats byte
 * for byte, for the wire-capture tests and the benchmark. Usage comes from the
 * `x-fake-usage` header (FakeUsage: `input` is the total input, cached tokens
 * included; `output` includes reasoning), chunk count from `x-fake-chunks`,
 * and `x-fake-scenario: garbage` answers 200 with a body no parser understands.
 * Each records the exact usage object it sent, so tests price it with
 * genai-prices' own extractor.
 */
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import { DEFAULT_USAGE, type FakeUsage } from './llm-upstream.js';

export interface WireUpstream {
  url: string;
  port: number;
  /** Every response body's usage object as sent (Gemini usageMetadata, Ollama counts…). */
  sent: { path: string; usage: Record<string, number> }[];
  requests: { path: string; body: Record<string, unknown> }[];
  close(): Promise<void>;
}

export interface FakeRequest {
  path: string;
  body: Record<string, unknown>;
  usage: typeof DEFAULT_USAGE;
  chunks: number;
  scenario: string;
  header(name: string): string | undefined;
}

const WORDS = ['Hello', ' from', ' the', ' wire', '.'];
export const word = (i: number): string => WORDS[i % WORDS.length]!;

export function readFake(req: IncomingMessage, raw: Buffer): FakeRequest {
  let body: Record<string, unknown> = {};
  try {
    body = JSON.parse(raw.toString('utf8') || '{}') as Record<string, unknown>;
  } catch {
    body = {};
  }
  const header = (name: string) => {
    const v = req.headers[name];
    return Array.isArray(v) ? v[0] : v;
  };
  const usageHeader = header('x-fake-usage');
  return {
    path: req.url ?? '',
    body,
    usage: {
      ...DEFAULT_USAGE,
      ...(usageHeader ? (JSON.parse(usageHeader) as FakeUsage) : {}),
    },
    chunks: Number(header('x-fake-chunks') ?? 3),
    scenario: header('x-fake-scenario') ?? '',
    header,
  };
}

async function listen(
  handler: (req: IncomingMessage, res: ServerResponse, raw: Buffer) => void,
): Promise<Omit<WireUpstream, 'sent' | 'requests'>> {
  const server = createServer((req, res) => {
    const parts: Buffer[] = [];
    req.on('data', (c: Buffer) => parts.push(c));
    req.on('end', () => handler(req, res, Buffer.concat(parts)));
  });
  server.keepAliveTimeout = 120_000; // see examples/llm-gateway/fake-upstream.mjs
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const addr = server.address();
  const port = typeof addr === 'object' && addr ? addr.port : 0;
  return {
    url: `http://127.0.0.1:${port}`,
    port,
    async close() {
      server.closeAllConnections();
      await new Promise((resolve) => server.close(resolve));
    },
  };
}

function garbage(res: ServerResponse): void {
  res.writeHead(200, { 'content-type': 'application/json' }).end('<html>not json</html>');
}

// --- Gemini ------------------------------------------------------------------

/** usageMetadata as Gemini sends it: prompt includes cached tokens, candidates exclude thoughts. */
export function geminiUsage(u: Required<FakeUsage>): Record<string, number> {
  return {
    promptTokenCount: u.input,
    candidatesTokenCount: u.output - u.reasoning,
    totalTokenCount: u.input + u.output,
    cachedContentTokenCount: u.cacheRead,
    thoughtsTokenCount: u.reasoning,
  };
}

export async function startGeminiUpstream(): Promise<WireUpstream> {
  const sent: WireUpstream['sent'] = [];
  const requests: WireUpstream['requests'] = [];
  const base = await listen((req, res, raw) => {
    const f = readFake(req, raw);
    requests.push({ path: f.path, body: f.body });
    if (f.scenario === 'garbage') return garbage(res);
    const m = /\/models\/([^/:]+):(\w+)(\?.*)?$/.exec(f.path);
    if (m === null) return res.writeHead(404).end();
    const [, model, action, query] = m;
    const usage = geminiUsage(f.usage);
    if (action === 'embedContent' || action === 'batchEmbedContents') {
      const one = { values: [0.1, 0.2, 0.3] };
      const n = Array.isArray(f.body.requests) ? f.body.requests.length : 1;
      const out =
        action === 'embedContent'
          ? { embedding: one }
          : { embeddings: Array.from({ length: n }, () => one) };
      return res.writeHead(200, { 'content-type': 'application/json' }).end(JSON.stringify(out));
    }
    const chunk = (i: number, last: boolean) => ({
      candidates: [
        {
          content: { role: 'model', parts: [{ text: word(i) }] },
          ...(last ? { finishReason: 'STOP' } : {}),
          index: 0,
        },
      ],
      usageMetadata: last
        ? usage
        : { promptTokenCount: f.usage.input, totalTokenCount: f.usage.input },
      modelVersion: model,
      responseId: 'gemini-resp-1',
    });
    sent.push({ path: f.path, usage });
    if (action === 'generateContent') {
      const whole = chunk(0, true);
      whole.candidates[0]!.content.parts = [{ text: WORDS.join('') }];
      return res.writeHead(200, { 'content-type': 'application/json' }).end(JSON.stringify(whole));
    }
    const sse = query?.includes('alt=sse') === true;
    res.writeHead(200, { 'content-type': sse ? 'text/event-stream' : 'application/json' });
    if (!sse) res.write('[');
    for (let i = 0; i < f.chunks; i++) {
      const text = JSON.stringify(chunk(i, i === f.chunks - 1));
      res.write(sse ? `data: ${text}\r\n\r\n` : `${i > 0 ? ',\r\n' : ''}${text}`);
    }
    res.end(sse ? undefined : ']');
  });
  return { ...base, sent, requests };
}

// --- Ollama ------------------------------------------------------------------

export async function startOllamaUpstream(): Promise<WireUpstream> {
  const sent: WireUpstream['sent'] = [];
  const requests: WireUpstream['requests'] = [];
  const base = await listen((req, res, raw) => {
    const f = readFake(req, raw);
    requests.push({ path: f.path, body: f.body });
    if (f.scenario === 'garbage') return garbage(res);
    const model = typeof f.body.model === 'string' ? f.body.model : 'llama3.2';
    const counts = { prompt_eval_count: f.usage.input, eval_count: f.usage.output };
    const created_at = new Date().toISOString();
    if (f.path === '/api/embed') {
      sent.push({ path: f.path, usage: { prompt_eval_count: f.usage.input } });
      return res.writeHead(200, { 'content-type': 'application/json; charset=utf-8' }).end(
        JSON.stringify({
          model,
          embeddings: [[0.1, 0.2, 0.3]],
          total_duration: 1000,
          load_duration: 10,
          prompt_eval_count: f.usage.input,
        }),
      );
    }
    const chat = f.path === '/api/chat';
    if (!chat && f.path !== '/api/generate') return res.writeHead(404).end('404 page not found');
    sent.push({ path: f.path, usage: counts });
    const piece = (text: string) =>
      chat ? { message: { role: 'assistant', content: text } } : { response: text };
    const final = {
      model,
      created_at,
      ...piece(''),
      done: true,
      done_reason: 'stop',
      total_duration: 123456,
      load_duration: 1234,
      prompt_eval_duration: 1000,
      eval_duration: 2000,
      ...counts,
    };
    if (f.body.stream === false) {
      return res
        .writeHead(200, { 'content-type': 'application/json; charset=utf-8' })
        .end(JSON.stringify({ ...final, ...piece(WORDS.join('')) }));
    }
    res.writeHead(200, { 'content-type': 'application/x-ndjson' });
    for (let i = 0; i < f.chunks; i++) {
      res.write(JSON.stringify({ model, created_at, ...piece(word(i)), done: false }) + '\n');
    }
    res.end(JSON.stringify(final) + '\n');
  });
  return { ...base, sent, requests };
}
