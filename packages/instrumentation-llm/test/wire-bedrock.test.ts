import {
  BedrockRuntimeClient,
  ConverseCommand,
  ConverseStreamCommand,
  InvokeModelCommand,
  InvokeModelWithResponseStreamCommand,
} from '@aws-sdk/client-bedrock-runtime';
import { createRequire } from 'node:module';
import { afterEach, describe, expect, it } from 'vitest';
import { DEFAULT_USAGE } from '../../../test-utils/llm-upstream.js';
import { startBedrockUpstream } from '../../../test-utils/bedrock-upstream.js';
import type { WireUpstream } from '../../../test-utils/llm-wire-upstreams.js';
import { DURATION, TTFC, count, costUsd, tokens } from './helpers.js';
import { expectedCost, spansSettled, startWireHarness, type WireHarness } from './wire-helpers.js';

/** An inference-profile id, as apps call Claude on Bedrock. */
const MODEL = 'us.anthropic.claude-sonnet-4-20250514-v1:0';
let up: WireUpstream;
let h: WireHarness;
afterEach(async () => {
  await h.close();
  await up.close();
});

/** The SDK's HTTP/1.1 handler, resolved from the client's own dependencies. */
function http1Handler(): unknown {
  const req = createRequire(require.resolve('@aws-sdk/client-bedrock-runtime'));
  const { NodeHttpHandler } = req('@smithy/node-http-handler') as {
    NodeHttpHandler: new () => unknown;
  };
  return new NodeHttpHandler();
}

async function run(http1: boolean) {
  up = await startBedrockUpstream({ http1 });
  h = startWireHarness({ endpoints: [{ baseURL: up.url, providerName: 'aws.bedrock' }] });
  const client = new BedrockRuntimeClient({
    region: 'us-east-1',
    endpoint: up.url,
    credentials: { accessKeyId: 'AKIDEXAMPLE', secretAccessKey: 'secret' },
    ...(http1 ? { requestHandler: http1Handler() as never } : {}),
  });
  const messages = [{ role: 'user' as const, content: [{ text: 'hi' }] }];
  const one = await client.send(new ConverseCommand({ modelId: MODEL, messages }));
  expect(one.usage?.inputTokens).toBe(
    DEFAULT_USAGE.input - DEFAULT_USAGE.cacheRead - DEFAULT_USAGE.cacheCreation,
  );
  const stream = await client.send(new ConverseStreamCommand({ modelId: MODEL, messages }));
  let text = '';
  for await (const ev of stream.stream!) text += ev.contentBlockDelta?.delta?.text ?? '';
  expect(text).toBe('Hello from the');
  const body = JSON.stringify({
    anthropic_version: 'bedrock-2023-05-31',
    max_tokens: 64,
    messages: [{ role: 'user', content: 'hi' }],
  });
  const invoked = await client.send(
    new InvokeModelCommand({ modelId: MODEL, body, contentType: 'application/json' }),
  );
  expect(JSON.parse(new TextDecoder().decode(invoked.body)).type).toBe('message');
  const invokeStream = await client.send(
    new InvokeModelWithResponseStreamCommand({
      modelId: MODEL,
      body,
      contentType: 'application/json',
    }),
  );
  for await (const ev of invokeStream.body!) void ev;
  client.destroy();

  const spans = await spansSettled(h, 4);
  expect(spans).toHaveLength(4);
  const all = await h.metrics();
  expect(tokens(all, 'input')).toBe(4 * DEFAULT_USAGE.input);
  expect(tokens(all, 'output')).toBe(4 * DEFAULT_USAGE.output);
  expect(tokens(all, 'cache_read')).toBe(4 * DEFAULT_USAGE.cacheRead);
  expect(tokens(all, 'cache_write')).toBe(4 * DEFAULT_USAGE.cacheCreation);
  const [converse, converseStream, invoke, invokeStream2] = up.sent;
  const want =
    expectedCost('aws', MODEL, { usage: converse!.usage }) +
    expectedCost('aws', MODEL, { usage: converseStream!.usage }) +
    expectedCost('aws', MODEL, { usage: invoke!.usage }, 'anthropic') +
    expectedCost('aws', MODEL, { usage: invokeStream2!.usage }, 'anthropic');
  expect(Math.abs(costUsd(all) - want)).toBeLessThan(1e-9);
  expect(count(all, DURATION)).toBe(4);
  expect(count(all, TTFC)).toBe(2);
  for (const s of spans) {
    expect(s.name).toBe(`chat ${MODEL}`);
    expect(s.attributes).toMatchObject({
      'gen_ai.provider.name': 'aws.bedrock',
      'gen_ai.request.model': MODEL,
      'gen_ai.usage.input_tokens': DEFAULT_USAGE.input,
      'gen_ai.usage.cache_write.input_tokens': DEFAULT_USAGE.cacheCreation,
    });
    expect(s.attributes['error.type']).toBeUndefined();
    expect(s.attributes['gen_ai.usage.cache_creation.input_tokens']).toBeUndefined();
    expect(s.attributes['cloud.region']).toBeUndefined(); // a configured endpoint; region comes from a Bedrock host
  }
}

describe('Bedrock on the wire (zero-code)', () => {
  it('Converse, ConverseStream, InvokeModel and InvokeModelWithResponseStream over the SDK default HTTP/2', async () => {
    await run(false);
  });

  it('the same over HTTP/1.1 (NodeHttpHandler)', async () => {
    await run(true);
  });

  it('a base model id (anthropic.…-v1:0) is priced as genai-prices prices it; OTEL_SEMCONV_STABILITY_OPT_IN keeps the previous cache-write name too', async () => {
    const id = 'anthropic.claude-3-5-haiku-20241022-v1:0';
    process.env.OTEL_SEMCONV_STABILITY_OPT_IN = 'http,gen_ai_cache_creation/dup';
    try {
      up = await startBedrockUpstream();
      h = startWireHarness({ endpoints: [{ baseURL: up.url, providerName: 'aws.bedrock' }] });
      const client = new BedrockRuntimeClient({
        region: 'eu-west-1',
        endpoint: up.url,
        credentials: { accessKeyId: 'AKIDEXAMPLE', secretAccessKey: 'secret' },
      });
      await client.send(
        new ConverseCommand({
          modelId: id,
          messages: [{ role: 'user', content: [{ text: 'hi' }] }],
        }),
      );
      client.destroy();
      const [span] = await spansSettled(h, 1);
      expect(span!.attributes).toMatchObject({
        'gen_ai.usage.cache_write.input_tokens': DEFAULT_USAGE.cacheCreation,
        'gen_ai.usage.cache_creation.input_tokens': DEFAULT_USAGE.cacheCreation,
      });
      const all = await h.metrics();
      expect(tokens(all, 'cache_write')).toBe(DEFAULT_USAGE.cacheCreation);
      expect(tokens(all, 'cache_creation')).toBe(DEFAULT_USAGE.cacheCreation);
      expect(
        Math.abs(costUsd(all) - expectedCost('aws', id, { usage: up.sent[0]!.usage })),
      ).toBeLessThan(1e-9);
    } finally {
      delete process.env.OTEL_SEMCONV_STABILITY_OPT_IN;
    }
  });
});
