/*
 * A local Bedrock runtime: Converse, ConverseStream, InvokeModel and
 * InvokeModelWithResponseStream (Anthropic models), over HTTP/2 cleartext (what
 * the AWS SDK's default NodeHttp2Handler speaks to an http:// endpoint) or
 * HTTP/1.1. Streams use the AWS event-stream framing with real prelude and
 * message CRC32s (the SDK verifies them). Usage as in llm-wire-upstreams.ts.
 */
import { createServer as createH1, type IncomingMessage, type ServerResponse } from 'node:http';
import {
  createServer as createH2,
  type Http2ServerRequest,
  type Http2ServerResponse,
} from 'node:http2';
import { crc32 } from 'node:zlib';
import { anthropicUsage } from './llm-upstream.js';
import { readFake, word, type WireUpstream } from './llm-wire-upstreams.js';

/** One event-stream message: prelude (lengths + CRC), string headers, payload, message CRC. */
export function eventMessage(headers: Record<string, string>, payload: Buffer): Buffer {
  const hs = Buffer.concat(
    Object.entries(headers).map(([name, value]) => {
      const n = Buffer.from(name);
      const v = Buffer.from(value);
      const h = Buffer.alloc(1 + n.length + 1 + 2 + v.length);
      h.writeUInt8(n.length, 0);
      n.copy(h, 1);
      h.writeUInt8(7, 1 + n.length);
      h.writeUInt16BE(v.length, 2 + n.length);
      v.copy(h, 4 + n.length);
      return h;
    }),
  );
  const total = 12 + hs.length + payload.length + 4;
  const out = Buffer.alloc(total);
  out.writeUInt32BE(total, 0);
  out.writeUInt32BE(hs.length, 4);
  out.writeUInt32BE(crc32(out.subarray(0, 8)), 8);
  hs.copy(out, 12);
  payload.copy(out, 12 + hs.length);
  out.writeUInt32BE(crc32(out.subarray(0, total - 4)), total - 4);
  return out;
}

const event = (type: string, body: unknown) =>
  eventMessage(
    { ':event-type': type, ':content-type': 'application/json', ':message-type': 'event' },
    Buffer.from(JSON.stringify({ ...(body as object), p: 'abcdefghijkl' })),
  );

/** Converse usage: inputTokens EXCLUDES cache reads and writes. */
export function converseUsage(u: {
  input: number;
  output: number;
  cacheRead: number;
  cacheCreation: number;
}) {
  return {
    inputTokens: u.input - u.cacheRead - u.cacheCreation,
    outputTokens: u.output,
    totalTokens: u.input + u.output,
    cacheReadInputTokens: u.cacheRead,
    cacheWriteInputTokens: u.cacheCreation,
  };
}

/** What the handler needs of an HTTP/1.1 or HTTP/2 compatibility response. */
interface Res {
  writeHead(status: number, headers: Record<string, string>): unknown;
  write(chunk: Buffer | string): boolean;
  end(chunk?: Buffer | string): unknown;
}
type Req = Http2ServerRequest | IncomingMessage;

export async function startBedrockUpstream(
  options: { http1?: boolean } = {},
): Promise<WireUpstream> {
  const sent: WireUpstream['sent'] = [];
  const requests: WireUpstream['requests'] = [];
  const handle = (req: Req, res: Res, raw: Buffer) => {
    const f = readFake(req as IncomingMessage, raw);
    requests.push({ path: f.path, body: f.body });
    const m = /^\/model\/([^/]+)\/([a-z-]+)$/.exec(f.path);
    if (m === null) {
      res.writeHead(404, { 'content-type': 'application/json' });
      res.end('{"message":"not found"}');
      return;
    }
    const action = m[2];
    const json = { 'content-type': 'application/json', 'x-amzn-requestid': 'req-1' };
    const stream = {
      'content-type': 'application/vnd.amazon.eventstream',
      'x-amzn-requestid': 'req-1',
    };
    if (f.scenario === 'garbage') {
      res.writeHead(200, json);
      res.end('<<garbage>>');
      return;
    }
    const text = Array.from({ length: f.chunks }, (_, i) => word(i)).join('');
    if (action === 'converse' || action === 'converse-stream') {
      const usage = converseUsage(f.usage);
      sent.push({ path: f.path, usage });
      if (action === 'converse') {
        res.writeHead(200, json);
        res.end(
          JSON.stringify({
            output: { message: { role: 'assistant', content: [{ text }] } },
            stopReason: 'end_turn',
            usage,
            metrics: { latencyMs: 12 },
          }),
        );
        return;
      }
      res.writeHead(200, stream);
      res.write(event('messageStart', { role: 'assistant' }));
      res.write(event('contentBlockStart', { contentBlockIndex: 0, start: {} }));
      for (let i = 0; i < f.chunks; i++)
        res.write(event('contentBlockDelta', { contentBlockIndex: 0, delta: { text: word(i) } }));
      res.write(event('contentBlockStop', { contentBlockIndex: 0 }));
      res.write(event('messageStop', { stopReason: 'end_turn' }));
      res.end(event('metadata', { usage, metrics: { latencyMs: 12 } }));
      return;
    }
    const usage = anthropicUsage(f.usage) as Record<string, number>;
    sent.push({ path: f.path, usage });
    const model = 'claude-3-5-haiku-20241022';
    if (action === 'invoke') {
      res.writeHead(200, {
        ...json,
        'x-amzn-bedrock-input-token-count': String(usage.input_tokens),
        'x-amzn-bedrock-output-token-count': String(usage.output_tokens),
      });
      res.end(
        JSON.stringify({
          id: 'msg_bdrk_1',
          type: 'message',
          role: 'assistant',
          model,
          content: [{ type: 'text', text }],
          stop_reason: 'end_turn',
          stop_sequence: null,
          usage,
        }),
      );
      return;
    }
    const chunk = (body: unknown) =>
      eventMessage(
        { ':event-type': 'chunk', ':content-type': 'application/json', ':message-type': 'event' },
        Buffer.from(
          JSON.stringify({ bytes: Buffer.from(JSON.stringify(body)).toString('base64'), p: 'abc' }),
        ),
      );
    res.writeHead(200, stream);
    res.write(
      chunk({
        type: 'message_start',
        message: {
          id: 'msg_bdrk_2',
          type: 'message',
          role: 'assistant',
          model,
          content: [],
          usage: { ...usage, output_tokens: 1 },
        },
      }),
    );
    res.write(
      chunk({ type: 'content_block_start', index: 0, content_block: { type: 'text', text: '' } }),
    );
    for (let i = 0; i < f.chunks; i++)
      res.write(
        chunk({
          type: 'content_block_delta',
          index: 0,
          delta: { type: 'text_delta', text: word(i) },
        }),
      );
    res.write(chunk({ type: 'content_block_stop', index: 0 }));
    res.write(
      chunk({
        type: 'message_delta',
        delta: { stop_reason: 'end_turn', stop_sequence: null },
        usage: { output_tokens: usage.output_tokens },
      }),
    );
    res.end(
      chunk({
        type: 'message_stop',
        'amazon-bedrock-invocationMetrics': {
          inputTokenCount: usage.input_tokens,
          outputTokenCount: usage.output_tokens,
          invocationLatency: 10,
          firstByteLatency: 5,
        },
      }),
    );
  };
  const onRequest = (req: Req, res: Http2ServerResponse | ServerResponse) => {
    const parts: Buffer[] = [];
    req.on('data', (c: Buffer) => parts.push(c));
    req.on('end', () => handle(req, res as unknown as Res, Buffer.concat(parts)));
  };
  const server = options.http1 ? createH1(onRequest) : createH2(onRequest);
  const sessions = new Set<{ destroy(): void }>();
  server.on('session', (s: { destroy(): void }) => sessions.add(s));
  server.on('connection', (s: { destroy(): void }) => sessions.add(s));
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const addr = server.address();
  const port = typeof addr === 'object' && addr ? addr.port : 0;
  return {
    url: `http://127.0.0.1:${port}`,
    port,
    sent,
    requests,
    async close() {
      for (const s of sessions) s.destroy();
      await new Promise((resolve) => server.close(resolve));
    },
  };
}
