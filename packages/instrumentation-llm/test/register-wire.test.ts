import { existsSync } from 'node:fs';
import { createServer } from 'node:net';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startBedrockUpstream } from '../../../test-utils/bedrock-upstream.js';
import {
  DEFAULT_USAGE,
  startFakeUpstream,
  type FakeUpstream,
} from '../../../test-utils/llm-upstream.js';
import {
  startGeminiUpstream,
  startOllamaUpstream,
  type WireUpstream,
} from '../../../test-utils/llm-wire-upstreams.js';
import { startNode } from '../../../test-utils/process.js';

/*
 * The whole zero-code path as a user runs it: `node --import @mcpmeter/node/register app.mjs`
 * with MCPMETER_LLM_ENDPOINTS, an app with no mcpmeter code, and Prometheus /metrics scraped.
 * Needs the built packages (pnpm build).
 */
const register = fileURLToPath(new URL('../../node/dist/register.mjs', import.meta.url));
const app = fileURLToPath(new URL('./fixtures/wire-app.mjs', import.meta.url));

async function freePort(): Promise<number> {
  const s = createServer();
  await new Promise<void>((r) => s.listen(0, '127.0.0.1', r));
  const port = (s.address() as { port: number }).port;
  await new Promise((r) => s.close(r));
  return port;
}

/** Sum of a metric's samples whose labels include all of `labels`. */
function sample(text: string, name: string, labels: Record<string, string>): number {
  let sum = 0;
  for (const line of text.split('\n')) {
    if (!line.startsWith(`${name}{`)) continue;
    if (Object.entries(labels).every(([k, v]) => line.includes(`${k}="${v}"`)))
      sum += Number(
        line
          .slice(line.lastIndexOf('}') + 1)
          .trim()
          .split(' ')[0],
      );
  }
  return sum;
}

let gm: WireUpstream;
let ol: WireUpstream;
let br: WireUpstream;
let relay: FakeUpstream;
beforeAll(async () => {
  [gm, ol, br, relay] = await Promise.all([
    startGeminiUpstream(),
    startOllamaUpstream(),
    startBedrockUpstream(),
    startFakeUpstream(),
  ]);
});
afterAll(() => Promise.all([gm.close(), ol.close(), br.close(), relay.close()]));

describe('node --import @mcpmeter/node/register (built packages)', () => {
  it('is built', () => {
    expect(existsSync(register), 'run: pnpm build').toBe(true);
  });

  it('Gemini, Ollama, Bedrock over HTTP/2, the AI SDK and a fetch relay reach /metrics with exact tokens; garbage is counted', async () => {
    const port = await freePort();
    const child = startNode(['--import', register, app], {
      cwd: fileURLToPath(new URL('.', import.meta.url)),
      env: {
        ...process.env,
        OTEL_EXPORTER_PROMETHEUS_PORT: String(port),
        OTEL_EXPORTER_PROMETHEUS_HOST: '127.0.0.1',
        OTEL_TRACES_EXPORTER: 'none',
        GEMINI_URL: gm.url,
        OLLAMA_URL: ol.url,
        BEDROCK_URL: br.url,
        RELAY_URL: relay.baseURL,
        MCPMETER_LLM_ENDPOINTS: `gcp.gemini=${gm.url},ollama=${ol.url},aws.bedrock=${br.url},openai=${relay.baseURL}`,
      },
    });
    try {
      await child.waitFor(/DONE/, 'stderr', 30_000);
      const text = await (await fetch(`http://127.0.0.1:${port}/metrics`)).text();
      const tok = (provider: string, type: string) =>
        sample(text, 'gen_ai_client_token_usage_sum', {
          gen_ai_provider_name: provider,
          gen_ai_token_type: type,
        });
      expect(tok('gcp.gemini', 'input')).toBe(2 * DEFAULT_USAGE.input);
      expect(tok('gcp.gemini', 'output')).toBe(2 * DEFAULT_USAGE.output);
      expect(tok('ollama', 'input')).toBe(DEFAULT_USAGE.input);
      expect(tok('aws.bedrock', 'input')).toBe(DEFAULT_USAGE.input);
      expect(tok('aws.bedrock', 'cache_write')).toBe(DEFAULT_USAGE.cacheCreation);
      expect(tok('openai', 'input')).toBe(2 * DEFAULT_USAGE.input);
      expect(
        sample(text, 'gen_ai_client_operation_duration_seconds_count', {
          gen_ai_provider_name: 'gcp.gemini',
        }),
      ).toBe(3);
      expect(
        sample(text, 'mcpmeter_llm_unparsed_total', { gen_ai_provider_name: 'gcp.gemini' }),
      ).toBe(1);
      expect(text).toMatch(/gen_ai_client_cost_usd_total\{[^}]*gen_ai_provider_name="aws.bedrock"/);
      expect(child.stderr()).toMatch(/mcpmeter: a call to gcp\.gemini at .* could not be read/);
      expect(child.stderr()).toContain('GARBAGE <html>not json</html>');
      expect(child.stdout()).toBe('');
    } finally {
      await child.kill();
    }
  });
});
