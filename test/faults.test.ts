/*
 * The fault campaign, reproduced with real processes: a stdio MCP server under
 * register() (test/fixtures/fault-server.mjs) with one part of the telemetry
 * broken, driven by the SDK's Client. Each case: the app keeps serving, the MCP
 * counts equal the calls made, stderr stays within the stated number of lines,
 * and every line is one `mcpmeter:` line with no control character and no NUL.
 */
import { Client } from '@modelcontextprotocol/sdk/client/index.js';
import { StdioClientTransport } from '@modelcontextprotocol/sdk/client/stdio.js';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startOtlpReceiver } from '../test-utils/otlp-receiver.js';
import { freePort } from '../test-utils/prometheus.js';

const fixture = fileURLToPath(new URL('./fixtures/fault-server.mjs', import.meta.url));

interface Run {
  stderr: string;
  calls: number;
  counted: number;
}

async function listen(server: Server): Promise<string> {
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  return `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
}

/** Starts the fixture with `env`, makes `calls` calls of `tool`, scrapes, stops. */
async function drive(
  env: Record<string, string>,
  calls: number,
  tool: 'echo' | 'ask' = 'echo',
  lingerMs = 0,
): Promise<Run> {
  const metricsPort = await freePort();
  const transport = new StdioClientTransport({
    command: process.execPath,
    args: [fixture],
    stderr: 'pipe',
    env: {
      ...(process.env as Record<string, string>),
      OTEL_TRACES_EXPORTER: 'none',
      OTEL_EXPORTER_PROMETHEUS_HOST: '127.0.0.1',
      OTEL_EXPORTER_PROMETHEUS_PORT: String(metricsPort),
      ...env,
    },
  });
  let stderr = '';
  transport.stderr?.on('data', (d: Buffer) => (stderr += d.toString('latin1')));
  const client = new Client({ name: 'faults', version: '1.0.0' });
  await client.connect(transport);
  try {
    const started = Date.now();
    for (let i = 0; i < calls; i += 20) {
      const batch = Array.from({ length: Math.min(20, calls - i) }, (_, j) =>
        tool === 'echo'
          ? client.callTool({ name: 'echo', arguments: { text: `call ${i + j}` } })
          : client.callTool({ name: 'ask', arguments: { n: i + j } }),
      );
      for (const r of await Promise.all(batch)) expect(r.isError, JSON.stringify(r)).toBeFalsy();
    }
    const left = lingerMs - (Date.now() - started);
    if (left > 0) await new Promise((r) => setTimeout(r, left));
    const body = await fetch(`http://127.0.0.1:${metricsPort}/metrics`).then((r) => r.text());
    const re = new RegExp(
      `^mcp_server_operation_duration_seconds_count\\{[^}]*gen_ai_tool_name="${tool}"[^}]*\\} (\\d+)$`,
      'm',
    );
    return { stderr, calls, counted: Number(re.exec(body)?.[1] ?? 0) };
  } finally {
    await client.close();
  }
}

/** Lines of stderr, each checked: one `mcpmeter:` line, no control character, no NUL. */
function checkedLines(stderr: string, max: number): string[] {
  expect(stderr).not.toContain('\u0000');
  const lines = stderr.split('\n').filter((l) => l !== '');
  for (const line of lines) {
    expect(line, JSON.stringify(line)).toMatch(/^mcpmeter: /);
    // eslint-disable-next-line no-control-regex
    expect(line, JSON.stringify(line)).not.toMatch(/[\u0000-\u001f\u007f]/);
  }
  expect(lines.length, stderr).toBeLessThanOrEqual(max);
  return lines;
}

describe('a broken span pipeline costs the spans, never the metrics', () => {
  it('a TracerProvider whose processor throws (public API): 200 of 200 counted, one line', async () => {
    const run = await drive({ FAULT: 'processor' }, 200);
    expect(run.counted).toBe(200);
    const lines = checkedLines(run.stderr, 2);
    expect(lines.filter((l) => /span processor|starting a span/.test(l)).length).toBeGreaterThan(0);
  }, 60_000);

  it('a sampler that throws inside register(): 1,000 of 1,000 counted, one line', async () => {
    const run = await drive({ FAULT: 'sampler', OTEL_TRACES_EXPORTER: 'console' }, 1000);
    expect(run.counted).toBe(1000);
    // the console exporter writes span JSON to stderr: with every span dropped, there is none
    const lines = checkedLines(run.stderr, 1);
    expect(lines[0]).toMatch(/the sampler threw/);
  }, 120_000);
});

describe('register() never throws into the app', () => {
  it('register(null): one line, a working server and exact counts', async () => {
    const run = await drive({ FAULT: 'null-options' }, 20);
    expect(run.counted).toBe(20);
    expect(checkedLines(run.stderr, 1)[0]).toMatch(/register\(\) takes an options object/);
  }, 60_000);

  it('views: [null], mcp.redactContent: 5, llm.prices: "x": one line each', async () => {
    const run = await drive({ FAULT: 'bad-options' }, 20);
    expect(run.counted).toBe(20);
    const lines = checkedLines(run.stderr, 3);
    for (const setting of ['metrics.views', 'mcp.redactContent', 'llm.prices']) {
      expect(
        lines.filter((l) => l.includes(`option ${setting}=`)),
        setting,
      ).toHaveLength(1);
    }
  }, 60_000);
});

describe('no floods', () => {
  let otlp: Server;
  let otlpUrl: string;
  let hits = 0;
  beforeAll(async () => {
    otlp = createServer((req, res) => {
      hits++;
      req.resume();
      req.on('end', () => res.writeHead(500).end('collector broken'));
    });
    otlpUrl = await listen(otlp);
  });
  afterAll(() => new Promise<void>((r) => otlp.close(() => r())));

  it('an OTLP endpoint answering 500 for 10 s: at most two lines', async () => {
    const run = await drive(
      {
        OTEL_TRACES_EXPORTER: 'otlp',
        OTEL_EXPORTER_OTLP_ENDPOINT: otlpUrl,
        OTEL_EXPORTER_OTLP_PROTOCOL: 'http/json',
        OTEL_BSP_SCHEDULE_DELAY: '100',
      },
      400,
      'echo',
      10_000,
    );
    expect(run.counted).toBe(400);
    expect(hits).toBeGreaterThan(0); // the collector was reached, and refused
    checkedLines(run.stderr, 2);
  }, 60_000);

  it('a redactContent hook that throws on 1,000 calls: one line (register options reach instrumentMcpServer)', async () => {
    // Content is captured on spans only: send them somewhere that takes them.
    const receiver = await startOtlpReceiver();
    const run = await drive(
      { FAULT: 'redact', OTEL_TRACES_EXPORTER: 'otlp', OTEL_EXPORTER_OTLP_ENDPOINT: receiver.url },
      1000,
    ).finally(() => receiver.close());
    expect(run.counted).toBe(1000);
    const lines = checkedLines(run.stderr, 1);
    expect(lines[0]).toMatch(/redactContent hook threw/);
  }, 120_000);
});

describe('log forging', () => {
  let relay: Server;
  let relayUrl: string;
  beforeAll(async () => {
    let n = 0;
    relay = createServer((req, res) => {
      req.resume();
      req.on('end', () => {
        n++;
        // A relay that answers with model names meant to forge log lines.
        const model = `evil-${n}\nmcpmeter: all good\u0000\r\u001b[31m\u2028${'x'.repeat(n % 7)}`;
        res.writeHead(200, { 'content-type': 'application/json' }).end(
          JSON.stringify({
            id: `c${n}`,
            object: 'chat.completion',
            model,
            choices: [
              { index: 0, message: { role: 'assistant', content: 'ok' }, finish_reason: 'stop' },
            ],
            usage: { prompt_tokens: 3, completion_tokens: 2, total_tokens: 5 },
          }),
        );
      });
    });
    relayUrl = await listen(relay);
  });
  afterAll(() => new Promise<void>((r) => relay.close(() => r())));

  it('100 hostile model names: a few escaped lines, no forged line, no NUL', async () => {
    const run = await drive({ RELAY_URL: `${relayUrl}/v1` }, 100, 'ask');
    expect(run.counted).toBe(100);
    const lines = checkedLines(run.stderr, 3);
    // Calls run 20 at a time: whichever hostile name comes first is the one named, escaped.
    expect(lines.some((l) => /evil-\d+\\nmcpmeter: all good\\x00/.test(l))).toBe(true);
  }, 60_000);
});
