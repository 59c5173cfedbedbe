/*
 * The relay itself, byte for byte: `mcpmeter wrap -- cat` must give back
 * exactly what went in (partial lines, batches, malformed lines, CRLF, a last
 * line without its newline), pass stderr through, forward signals, exit with
 * the child's status, and carry 100 MB in bounded memory.
 */
import { spawn, type ChildProcessWithoutNullStreams } from 'node:child_process';
import { createHash } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startOtlpReceiver, type OtlpReceiver } from '../../../test-utils/otlp-receiver.js';
import { BIN, wrapEnv } from './helpers.js';
import { otlpSamples } from './otlp-metrics.js';

interface Run {
  child: ChildProcessWithoutNullStreams;
  out: Buffer[];
  err: () => string;
  exited: Promise<{ code: number | null; signal: NodeJS.Signals | null }>;
}

function wrap(command: string[], env: Record<string, string> = wrapEnv()): Run {
  const child = spawn(process.execPath, [BIN, 'wrap', '--', ...command], { env });
  const out: Buffer[] = [];
  let err = '';
  child.stdout.on('data', (d: Buffer) => out.push(d));
  child.stderr.on('data', (d: Buffer) => (err += d.toString()));
  const exited = new Promise<{ code: number | null; signal: NodeJS.Signals | null }>((r) =>
    child.once('close', (code, signal) => r({ code, signal })),
  );
  return { child, out, err: () => err, exited };
}

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));
const TP = '00-0af7651916cd43dd8448eb211c80319c-b7ad6b7169203331-01';

const INPUT = [
  '{"jsonrpc":"2.0","id":1,"method":"initialize","params":{"protocolVersion":"2025-06-18"}}\n',
  '[{"jsonrpc":"2.0","id":2,"method":"ping"},{"jsonrpc":"2.0","method":"notifications/initialized"}]\n',
  'this is not json\n',
  '\n',
  '{"jsonrpc":"2.0","id":"s-3","method":"tools/call","params":{"name":"x","_meta":{"traceparent":"' +
    TP +
    '","tracestate":"k=v","baggage":"a=b","other":{"traceparent":"keep"}}}}\r\n',
  '{"jsonrpc":"2.0","id":4,"method":"tools/call","params":{"name":"ünïcødé ✓"}}\n',
  '{"jsonrpc":"2.0","id":5,"result":{}} trailing garbage\n',
  '{"jsonrpc":"2.0","id":6,"method":"ping"}', // no newline at the end
].join('');

async function feed(run: Run, text: string | Buffer, chunk: number): Promise<void> {
  const buf = Buffer.from(text);
  for (let i = 0; i < buf.length; i += chunk) {
    run.child.stdin.write(buf.subarray(i, i + chunk));
    if (i % (chunk * 8) === 0) await sleep(1);
  }
  run.child.stdin.end();
}

describe('wrap: the relay', () => {
  let receiver: OtlpReceiver;
  beforeAll(async () => {
    receiver = await startOtlpReceiver();
  });
  afterAll(() => receiver?.close());

  it('passes every byte through unchanged, in any chunking, and counts malformed lines', async () => {
    receiver.metricPosts.length = 0;
    const run = wrap(
      ['cat'],
      wrapEnv({
        OTEL_METRICS_EXPORTER: 'otlp',
        OTEL_EXPORTER_OTLP_METRICS_PROTOCOL: 'http/json',
        OTEL_EXPORTER_OTLP_METRICS_ENDPOINT: `${receiver.url}/v1/metrics`,
      }),
    );
    await feed(run, INPUT, 7);
    expect(await run.exited).toEqual({ code: 0, signal: null });
    expect(Buffer.concat(run.out).toString()).toBe(INPUT);
    const samples = otlpSamples(receiver.metricPosts);
    const malformed = samples.filter((s) => s.name === 'mcp_wire_malformed_messages');
    expect(
      Object.fromEntries(malformed.map((s) => [s.labels.network_io_direction, s.value])),
    ).toEqual({
      receive: 2,
      transmit: 2,
    });
    // One line per direction, the outside value escaped.
    const lines = run
      .err()
      .split('\n')
      .filter((l) => l.includes('not JSON-RPC'));
    expect(lines).toHaveLength(2);
    expect(lines[0]).toMatch(
      /^mcpmeter: a message from the client is not JSON-RPC \(starts "this is not json"\)/,
    );
    // cat answers nothing: the requests it echoed are not replies, so all ended closed.
    expect(
      samples.filter((s) => s.name === 'mcp_server_active_requests').every((s) => s.value === 0),
    ).toBe(true);
  });

  it('rewrites only the traceparent of _meta when it traces, and keeps every other byte', async () => {
    const run = wrap(['cat'], wrapEnv({ OTEL_TRACES_EXPORTER: 'console' }));
    await feed(run, INPUT, 4096);
    await run.exited;
    const out = Buffer.concat(run.out).toString();
    expect(out.length).toBe(INPUT.length);
    const tp = /"_meta":\{"traceparent":"([^"]+)"/.exec(out)![1]!;
    expect(tp).toMatch(/^00-0af7651916cd43dd8448eb211c80319c-[0-9a-f]{16}-01$/);
    expect(tp).not.toBe(TP);
    expect(out.replace(tp, TP)).toBe(INPUT);
    // The span (on stderr via the console exporter) is the client's span's child.
    expect(run.err()).toContain('"parentSpanId":"b7ad6b7169203331"');
    expect(run.err()).toContain(`"spanId":"${tp.slice(36, 52)}"`);
  });

  it('passes stderr through and exits with the child status', async () => {
    const run = wrap(['sh', '-c', 'echo to-stderr >&2; exit 7']);
    run.child.stdin.end();
    expect(await run.exited).toEqual({ code: 7, signal: null });
    expect(run.err()).toContain('to-stderr\n');
    expect(Buffer.concat(run.out).length).toBe(0);
  });

  it('forwards SIGTERM and SIGINT to the child', async () => {
    for (const [signal, status] of [
      ['SIGTERM', 42],
      ['SIGINT', 43],
    ] as const) {
      const run = wrap([
        'sh',
        '-c',
        'trap "exit 42" TERM; trap "exit 43" INT; echo ready >&2; while true; do sleep 0.05; done',
      ]);
      for (let i = 0; i < 1000 && !run.err().includes('ready'); i++) await sleep(20);
      expect(run.err()).toContain('ready');
      run.child.kill(signal);
      const timeout = sleep(20_000).then(() => ({ timedOut: run.err() }));
      expect(await Promise.race([run.exited, timeout])).toEqual({ code: status, signal: null });
    }
  });

  it('says in one line when the command cannot run', async () => {
    const run = wrap(['/nonexistent/mcp-server']);
    run.child.stdin.end();
    expect((await run.exited).code).toBe(127);
    expect(run.err()).toMatch(/^mcpmeter: wrap: cannot run "\/nonexistent\/mcp-server": ENOENT$/m);
    expect(Buffer.concat(run.out).length).toBe(0);
  });

  it('streams a 100 MB message each way in bounded memory', async () => {
    const run = wrap(['cat']);
    while (!run.err().includes('metrics at')) await sleep(20);
    const hwm = () =>
      Number(/VmHWM:\s+(\d+) kB/.exec(readFileSync(`/proc/${run.child.pid}/status`, 'utf8'))![1]) /
      1024;
    const before = hwm();
    const size = 100 * 1024 * 1024;
    const hashIn = createHash('sha256');
    const hashOut = createHash('sha256');
    let received = 0;
    run.child.stdout.removeAllListeners('data');
    run.child.stdout.on('data', (d: Buffer) => {
      received += d.length;
      hashOut.update(d);
    });
    const write = (b: Buffer) =>
      new Promise<void>((r) =>
        run.child.stdin.write(b) ? r() : run.child.stdin.once('drain', () => r()),
      );
    const head = Buffer.from(
      '{"jsonrpc":"2.0","id":1,"method":"tools/call","params":{"name":"x","arguments":{"blob":"',
    );
    const tail = Buffer.from('"}}}\n');
    const block = Buffer.alloc(1 << 20, 0x61);
    hashIn.update(head);
    await write(head);
    for (let i = 0; i < size / block.length; i++) {
      hashIn.update(block);
      await write(block);
    }
    hashIn.update(tail);
    await write(tail);
    const total = head.length + size + tail.length;
    while (received < total) await sleep(20);
    const after = hwm();
    run.child.stdin.end();
    await run.exited;
    expect(received).toBe(total);
    expect(hashOut.digest('hex')).toBe(hashIn.digest('hex'));
    // Holding the message once would add at least 100 MB (more as a string). What
    // remains is garbage of 64 KiB read buffers that V8 has not collected yet.
    expect(after - before).toBeLessThan(80);
  });
});
