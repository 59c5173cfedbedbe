import { execFile } from 'node:child_process';
import { existsSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  DEFAULT_USAGE,
  startFakeUpstream,
  type FakeUpstream,
} from '../../../test-utils/llm-upstream.js';

/*
 * The built package (dist) patching the real SDKs in a child process, as an
 * application loads them: `require` (CJS) and `import` with the
 * import-in-the-middle hook (ESM). Needs `pnpm --filter @mcpmeter/instrumentation-llm build`.
 */
const run = promisify(execFile);
const fixture = (name: string) => fileURLToPath(new URL(`./fixtures/${name}`, import.meta.url));
const dist = fileURLToPath(new URL('../dist/index.mjs', import.meta.url));

let upstream: FakeUpstream;
beforeAll(async () => {
  upstream = await startFakeUpstream();
});
afterAll(() => upstream.close());

describe('LlmInstrumentation (zero-code, built package)', () => {
  it('is built', () => {
    expect(existsSync(dist), 'run: pnpm --filter @mcpmeter/instrumentation-llm build').toBe(true);
  });

  it('patches openai and @anthropic-ai/sdk loaded with require()', async () => {
    const { stdout } = await run(process.execPath, [
      fixture('zero-code.cjs'),
      upstream.baseURL,
      upstream.url,
    ]);
    const out = JSON.parse(stdout) as { spans: string[]; input: number };
    expect(out.spans).toEqual(['chat gpt-4.1', 'chat gpt-4.1', 'chat claude-sonnet-4-6']);
    expect(out.input).toBe(3 * DEFAULT_USAGE.input);
  });

  it('patches openai and @anthropic-ai/sdk loaded with import (import-in-the-middle), deferring to Anthropic spans; LangChain through the openai patch and the AI SDK on the wire, each once', async () => {
    const { stdout } = await run(
      process.execPath,
      [fixture('zero-code.mjs'), upstream.baseURL, upstream.url],
      { env: { ...process.env, MCPMETER_LLM_ENDPOINTS: `openai=${upstream.baseURL}` } },
    );
    const out = JSON.parse(stdout) as { spans: string[]; input: number };
    expect(out.spans).toEqual([
      '@mcpmeter/instrumentation-llm:chat gpt-4.1',
      '@mcpmeter/instrumentation-llm:chat gpt-4.1',
      'com.anthropic.sdk.typescript:anthropic.messages.create',
      '@mcpmeter/instrumentation-llm:chat gpt-4.1',
      '@mcpmeter/instrumentation-llm:chat gpt-4.1',
    ]);
    expect(out.input).toBe(5 * DEFAULT_USAGE.input);
  });
});
