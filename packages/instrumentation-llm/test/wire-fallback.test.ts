import { execFile } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  DEFAULT_USAGE,
  startFakeUpstream,
  type FakeUpstream,
} from '../../../test-utils/llm-upstream.js';
import { nodeBinary } from '../../../test-utils/node-versions.js';

/*
 * Where diagnostics channels do not carry bodies (undici 6 in Node 20/22) the
 * global fetch is wrapped instead; SDKs whose transport cannot be seen (node:http2
 * before Node 24.1, or any with captureWire off) are named once on stderr.
 * Runs the built package on Node 22.15 from .tools/ (scripts/bootstrap.sh --for-tests).
 */
const run = promisify(execFile);
const fixture = fileURLToPath(new URL('./fixtures/wire-fallback.cjs', import.meta.url));
/** Node 22.15, the oldest supported (undici 6: no body chunks on its channels). */
const OLD_NODE = nodeBinary(22);
let up: FakeUpstream;
beforeAll(async () => {
  up = await startFakeUpstream();
});
afterAll(() => up.close());

describe('wire capture without body channels', () => {
  it('Node 22: fetch recorded through the wrapped global fetch; Bedrock (http2) named once', async () => {
    const { stdout, stderr } = await run(OLD_NODE, [fixture, up.baseURL]);
    expect(JSON.parse(stdout)).toEqual({ spans: 2, input: 2 * DEFAULT_USAGE.input });
    const named = stderr.split('\n').filter((l) => l.includes('is loaded but its LLM calls'));
    expect(named).toHaveLength(1);
    expect(named[0]).toMatch(
      /^mcpmeter: @aws-sdk\/client-bedrock-runtime is loaded but its LLM calls \(over http2\)/,
    );
  });

  it('captureWire: false names each loaded LLM SDK once, and records nothing on the wire', async () => {
    const { stdout, stderr } = await run(process.execPath, [fixture, up.baseURL, 'off']);
    expect(JSON.parse(stdout)).toEqual({ spans: 0, input: 0 });
    const named = stderr.split('\n').filter((l) => l.includes('is loaded but its LLM calls'));
    expect(named.map((l) => l.split(' ')[1])).toEqual([
      'ollama',
      '@aws-sdk/client-bedrock-runtime',
    ]);
  });
});
