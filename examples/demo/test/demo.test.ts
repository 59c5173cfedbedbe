// `pnpm demo` is the first thing a newcomer runs: it must work, print the
// metrics URL and real series, show its three processes in the live view it
// starts (the mcpmeter ui hub), and keep stdout empty.
import { fileURLToPath } from 'node:url';
import { expect, it } from 'vitest';
import { startNode } from '../../../test-utils/process.js';

it('runs the story, prints the metrics URL, series and the live view, and writes nothing to stdout', async () => {
  const child = startNode([fileURLToPath(new URL('../demo.mjs', import.meta.url)), '--once'], {
    cwd: fileURLToPath(new URL('..', import.meta.url)),
    env: {
      PATH: process.env.PATH,
      OTEL_EXPORTER_PROMETHEUS_PORT: '0',
      OTEL_EXPORTER_PROMETHEUS_HOST: '127.0.0.1',
    },
  });
  const result = await child.exited;
  expect(result.code, child.stderr()).toBe(0);
  const out = child.stderr();
  expect(out).toMatch(/MCP server over Streamable HTTP — http:\/\/127\.0\.0\.1:\d+\/metrics/);
  expect(out).toMatch(/tools\/call slow +1 /);
  expect(out).toMatch(/tools\/call sharpen_claw +1 /);
  expect(out).toMatch(
    /exemplar: the le="[^"]+" bucket of tools\/call slow links to trace [0-9a-f]{32}/,
  );
  expect(out).toMatch(
    /custom tool metric claw_sharpness_level\{gen_ai_tool_name="sharpen_claw"\}: 1 recorded/,
  );
  expect(out).toMatch(/tokens +chat gpt-4\.1-mini +input +120/);
  expect(out).toMatch(
    /cost +openai gpt-4\.1-mini +input +\$0\.\d+ \(price from the genai-prices catalog\)/,
  );
  // the trace: agent span → MCP client span → MCP server span in another process
  expect(out).toMatch(/One trace across three processes — trace_id [0-9a-f]{32}/);
  expect(out).toMatch(
    / {4}tools\/call slow {2}\[claws-agent, client\]\n {6}tools\/call slow {2}\[claws-http, server\]/,
  );
  expect(out).toMatch(/chat gpt-4\.1-mini {2}\[claws-agent, client\]/);
  // the three processes pushed their metrics to the hub; the demo ends with its page
  expect(out).toMatch(/The live view lists the 3 processes/);
  for (const service of ['claws-agent', 'claws-stdio', 'claws-http'])
    expect(out).toMatch(new RegExp(`^  ${service} +pid \\d+ +instance \\S+$`, 'm'));
  expect(out.trimEnd()).toMatch(/\nLive view: http:\/\/127\.0\.0\.1:\d+\/$/);
  expect(child.stdout()).toBe('');
});
