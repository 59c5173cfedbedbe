import { describe, expect, it } from 'vitest';
import { eventMessage } from '../../../test-utils/bedrock-upstream.js';
import { EventStreamDecoder, type EventMessage } from '../src/wire/eventstream.js';
import { configuredEndpoints, knownEndpoint, resolveEndpoint } from '../src/wire/endpoints.js';
import { routeOf } from '../src/wire/route.js';
import { JsonArraySplitter, LineSplitter } from '../src/wire/splitters.js';

describe('endpoints recognised out of the box', () => {
  it.each([
    ['api.openai.com', '', 'openai', 'openai'],
    ['my-res.openai.azure.com', '', 'azure.ai.openai', 'azure'],
    ['api.anthropic.com', '', 'anthropic', 'anthropic'],
    ['generativelanguage.googleapis.com', '', 'gcp.gemini', 'google'],
    ['us-central1-aiplatform.googleapis.com', '', 'gcp.vertex_ai', 'google'],
    ['aiplatform.googleapis.com', '', 'gcp.vertex_ai', 'google'],
    ['bedrock-runtime.eu-west-3.amazonaws.com', '', 'aws.bedrock', 'aws'],
    ['api.mistral.ai', '', 'mistral_ai', 'mistral'],
    ['api.groq.com', '', 'groq', 'groq'],
    ['api.deepseek.com', '', 'deepseek', 'deepseek'],
    ['api.x.ai', '', 'x_ai', 'x-ai'],
    ['openrouter.ai', '', 'openrouter', 'openrouter'],
    ['localhost', '11434', 'ollama', undefined],
    ['127.0.0.1', '11434', 'ollama', undefined],
  ])('%s:%s → %s (catalog %s)', (host, port, provider, catalog) => {
    const e = knownEndpoint(host, port);
    expect(e?.provider).toBe(provider);
    expect(e?.catalogProvider).toBe(catalog);
  });

  it('keeps the Bedrock region, and leaves other hosts alone', () => {
    expect(knownEndpoint('bedrock-runtime.us-east-1.amazonaws.com', '')?.region).toBe('us-east-1');
    expect(knownEndpoint('bedrock.us-east-1.amazonaws.com', '')).toBeUndefined();
    expect(knownEndpoint('localhost', '8080')).toBeUndefined();
    expect(knownEndpoint('api.openai.com.evil.example', '')).toBeUndefined();
  });
});

describe('configured endpoints', () => {
  it('parses MCPMETER_LLM_ENDPOINTS and matches the longest base first', () => {
    const c = configuredEndpoints(
      [
        {
          baseURL: 'http://relay:9000/v1/special',
          providerName: 'my-relay',
          catalogProvider: 'openai',
        },
      ],
      'openai=http://127.0.0.1:8080/v1, ollama=http://127.0.0.1:11500 ,aws.bedrock=http://127.0.0.1:9999',
    );
    expect(resolveEndpoint(c, 'http:', '127.0.0.1:8080', '/v1/chat/completions')?.provider).toBe(
      'openai',
    );
    expect(resolveEndpoint(c, 'http:', '127.0.0.1:8080', '/v10/chat/completions')).toBeUndefined();
    expect(resolveEndpoint(c, 'http:', '127.0.0.1:11500', '/api/chat')).toMatchObject({
      provider: 'ollama',
      api: 'ollama',
      catalogProvider: undefined,
    });
    expect(resolveEndpoint(c, 'http:', '127.0.0.1:9999', '/model/x/converse')?.api).toBe('bedrock');
    expect(resolveEndpoint(c, 'http:', 'relay:9000', '/v1/special/chat/completions')).toMatchObject(
      {
        provider: 'my-relay',
        api: 'openai',
        catalogProvider: 'openai',
      },
    );
  });
});

describe('routes', () => {
  it.each([
    ['openai', '/v1/chat/completions', 'openai.chat', 'chat', undefined],
    [
      'openai',
      '/openai/deployments/gpt4o-prod/chat/completions?api-version=2024-10-21',
      'openai.chat',
      'chat',
      'gpt4o-prod',
    ],
    ['openai', '/v1/responses', 'openai.responses', 'chat', undefined],
    ['openai', '/v1/embeddings', 'openai.embeddings', 'embeddings', undefined],
    ['anthropic', '/v1/messages', 'anthropic.messages', 'chat', undefined],
    [
      'gemini',
      '/v1beta/models/gemini-2.5-flash:generateContent',
      'gemini',
      'generate_content',
      'gemini-2.5-flash',
    ],
    [
      'gemini',
      '/v1beta/models/gemini-2.5-flash:streamGenerateContent?alt=sse',
      'gemini',
      'generate_content',
      'gemini-2.5-flash',
    ],
    [
      'gemini',
      '/v1/projects/p/locations/us-central1/publishers/google/models/gemini-2.5-pro:generateContent',
      'gemini',
      'generate_content',
      'gemini-2.5-pro',
    ],
    [
      'gemini',
      '/v1/projects/p/locations/us-east5/publishers/anthropic/models/claude-sonnet-4-5:streamRawPredict',
      'anthropic.messages',
      'chat',
      'claude-sonnet-4-5',
    ],
    [
      'bedrock',
      '/model/us.anthropic.claude-sonnet-4-20250514-v1%3A0/converse-stream',
      'bedrock.converse',
      'chat',
      'us.anthropic.claude-sonnet-4-20250514-v1:0',
    ],
    [
      'bedrock',
      '/model/anthropic.claude-3-5-haiku-20241022-v1%3A0/invoke',
      'bedrock.invoke',
      'chat',
      'anthropic.claude-3-5-haiku-20241022-v1:0',
    ],
    ['ollama', '/api/chat', 'ollama.chat', 'chat', undefined],
    ['ollama', '/api/generate', 'ollama.generate', 'text_completion', undefined],
    ['ollama', '/api/embed', 'ollama.embeddings', 'embeddings', undefined],
    ['ollama', '/v1/chat/completions', 'openai.chat', 'chat', undefined],
  ] as const)('%s %s', (api, path, format, operation, model) => {
    const r = routeOf(api, path);
    expect(r).toMatchObject({ format, operation });
    expect(r?.pathModel).toBe(model);
  });

  it('other paths are not LLM calls', () => {
    expect(routeOf('openai', '/v1/files')).toBeUndefined();
    expect(routeOf('bedrock', '/guardrail/x/version/1/apply')).toBeUndefined();
    expect(routeOf('gemini', '/v1beta/models/x:countTokens')).toBeUndefined();
  });
});

describe('AWS event-stream decoder', () => {
  const msg = (i: number) =>
    eventMessage(
      { ':event-type': 'contentBlockDelta', ':message-type': 'event' },
      Buffer.from(`{"i":${i}}`),
    );

  it('decodes messages split at every byte boundary', () => {
    const whole = Buffer.concat([msg(1), msg(2), msg(3)]);
    const got: EventMessage[] = [];
    const d = new EventStreamDecoder((m) => got.push(m));
    for (let i = 0; i < whole.length; i++) d.push(whole.subarray(i, i + 1));
    expect(got.map((m) => Buffer.from(m.payload).toString())).toEqual([
      '{"i":1}',
      '{"i":2}',
      '{"i":3}',
    ]);
    expect(got[0]!.headers[':event-type']).toBe('contentBlockDelta');
    expect(d.pending).toBe(0);
    expect(d.broken).toBeUndefined();
  });

  it('stops at a bad CRC or length', () => {
    const bad = Buffer.from(msg(1));
    bad.writeUInt8(bad.readUInt8(bad.length - 1) ^ 0xff, bad.length - 1);
    const d = new EventStreamDecoder(() => undefined);
    d.push(bad);
    expect(d.broken).toBe('eventstream_crc');
    const d2 = new EventStreamDecoder(() => undefined);
    d2.push(Buffer.from('HTTP/1.1 200 OK\r\n\r\n'));
    expect(d2.broken).toBeDefined();
  });
});

describe('splitters', () => {
  it('splits a streamed JSON array at any boundary, strings with brackets included', () => {
    const text = '[{"a":"x]},{"},\r\n{"b":[1,{"c":"\\"}"}]}\n,{"d":2}]';
    for (let step = 1; step <= 7; step++) {
      const got: string[] = [];
      const s = new JsonArraySplitter((t) => got.push(t));
      const bytes = Buffer.from(text);
      for (let i = 0; i < bytes.length; i += step) s.push(bytes.subarray(i, i + step));
      expect(got.map((t) => JSON.parse(t) as unknown)).toEqual(JSON.parse(text));
      expect(s.closed).toBe(true);
    }
  });

  it('splits NDJSON lines at any boundary, a last line without newline included', () => {
    const got: string[] = [];
    const s = new LineSplitter((l) => got.push(l));
    const bytes = Buffer.from('{"a":1}\n{"b":"é"}\r\n\n{"c":3}');
    for (let i = 0; i < bytes.length; i++) s.push(bytes.subarray(i, i + 1));
    s.end();
    expect(got).toEqual(['{"a":1}', '{"b":"é"}', '{"c":3}']);
  });
});

describe('O(1) memory in the stream length', () => {
  it('the splitters and the event-stream decoder hold at most one element between chunks', () => {
    const element = '{"candidates":[{"content":{"parts":[{"text":"tok"}]}}]}';
    let elements = 0;
    const arr = new JsonArraySplitter(() => elements++);
    arr.push(Buffer.from('['));
    let lines = 0;
    const nd = new LineSplitter(() => lines++);
    let messages = 0;
    const es = new EventStreamDecoder(() => messages++);
    const frame = eventMessage(
      { ':event-type': 'contentBlockDelta' },
      Buffer.from('{"delta":{"text":"tok"}}'),
    );
    for (let i = 0; i < 20_000; i++) {
      arr.push(Buffer.from((i > 0 ? ',' : '') + element));
      nd.push(Buffer.from(element + '\n'));
      es.push(frame);
      // Nothing of a finished element is kept (private state read for the test).
      expect((arr as unknown as { element: string }).element).toBe('');
      expect((nd as unknown as { partial: string }).partial).toBe('');
      expect(es.pending).toBe(0);
    }
    expect([elements, lines, messages]).toEqual([20_000, 20_000, 20_000]);
  });
});
