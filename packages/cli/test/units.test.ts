/* Unit tests: the line relay, the SSE observer, argument parsing, names shared with instrumentation-mcp. */
import { describe, expect, it } from 'vitest';
import * as mcp from '@mcpmeter/instrumentation-mcp';
import { UsageError } from '../src/args.js';
import { parseProxyArgs } from '../src/proxy.js';
import { ERROR_TYPE_CANCELLED, ERROR_TYPE_CONNECTION_CLOSED } from '../src/telemetry/names.js';
import { parseWrapArgs } from '../src/wrap.js';
import type { WireMessage } from '../src/wire/json-scanner.js';
import { LineRelay } from '../src/wire/line-relay.js';
import { SseObserver } from '../src/wire/sse-observer.js';

describe('names shared with @mcpmeter/instrumentation-mcp', () => {
  it('error.type values agree', () => {
    expect(ERROR_TYPE_CANCELLED).toBe(mcp.ERROR_TYPE_CANCELLED);
    expect(ERROR_TYPE_CONNECTION_CLOSED).toBe(mcp.ERROR_TYPE_CONNECTION_CLOSED);
  });
});

describe('LineRelay', () => {
  const run = (hold: boolean, chunks: string[], maxHeld?: number) => {
    const seen: [string | undefined, boolean][] = [];
    const lines: string[] = [];
    const relay = new LineRelay({
      hold,
      maxHeld,
      onMessage: (m: WireMessage, rewritable) => {
        seen.push([m.method, rewritable]);
        return m.traceparent !== undefined ? 'X'.repeat(m.traceparent.length) : undefined;
      },
      onLine: (result) => lines.push(result),
    });
    const out = [...chunks.flatMap((c) => relay.push(Buffer.from(c))), ...relay.end()];
    return { out: Buffer.concat(out).toString(), seen, lines };
  };

  it('holds lines and rewrites traceparent in place', () => {
    const r = run(true, [
      '{"method":"a","params":{"_meta":{"tracep',
      'arent":"00-ab"}}}\n{"method":"b"}',
    ]);
    expect(r.out).toBe('{"method":"a","params":{"_meta":{"traceparent":"XXXXX"}}}\n{"method":"b"}');
    expect(r.seen).toEqual([
      ['a', true],
      ['b', true],
    ]);
  });

  it('streams a line longer than maxHeld, unchanged', () => {
    const line =
      '{"method":"a","params":{"_meta":{"traceparent":"00-ab"},"x":"' + 'y'.repeat(100) + '"}}\n';
    const r = run(true, [line.slice(0, 30), line.slice(30)], 16);
    expect(r.out).toBe(line);
    expect(r.seen).toEqual([['a', false]]);
  });

  it('reports malformed and skips empty lines', () => {
    const r = run(false, ['nope\n\n  \n{"method":"m"}\n{"a":']);
    expect(r.lines).toEqual(['malformed', 'ok', 'malformed']);
    expect(r.out).toBe('nope\n\n  \n{"method":"m"}\n{"a":');
  });
});

describe('SseObserver', () => {
  const observe = (chunks: string[]) => {
    const got: (string | undefined)[] = [];
    let malformed = 0;
    const sse = new SseObserver(
      (m) => got.push(m.idKey),
      () => malformed++,
    );
    for (const c of chunks) sse.push(Buffer.from(c));
    sse.end();
    return { got, malformed };
  };

  it('reads data lines of events in any chunking and line ending', () => {
    const text =
      ': comment\r\nid: 1\r\nevent: message\r\ndata: {"id":1,\r\ndata: "result":{}}\r\n\r\n' +
      'data:{"id":2,"result":{}}\n\nid: prime\ndata:\n\n' +
      'data: not json\n\ndata: {"id":3,"result":{}}\rdata\r\r' +
      'data: {"id":4,"result":{}}\n'; // never dispatched: no blank line
    for (const size of [1, 3, 1000]) {
      const chunks: string[] = [];
      for (let i = 0; i < text.length; i += size) chunks.push(text.slice(i, i + size));
      expect(observe(chunks)).toEqual({ got: ['n:1', 'n:2', 'n:3'], malformed: 1 });
    }
  });
});

describe('arguments', () => {
  it('wrap', () => {
    expect(parseWrapArgs(['--metrics-port', '0', '--', 'uvx', 'server', '--flag'])).toEqual({
      metricsPort: 0,
      command: 'uvx',
      args: ['server', '--flag'],
    });
    expect(parseWrapArgs(['node', 'server.js'])).toMatchObject({
      command: 'node',
      args: ['server.js'],
    });
    expect(parseWrapArgs(['--help'])).toBeUndefined();
    expect(() => parseWrapArgs([])).toThrow(UsageError);
    expect(() => parseWrapArgs(['--nope', '--', 'x'])).toThrow(/unknown option "--nope"/);
    expect(() => parseWrapArgs(['--metrics-port', 'x', '--', 'x'])).toThrow(/port number/);
  });

  it('proxy', () => {
    expect(parseProxyArgs(['--target', 'http://127.0.0.1:3000/mcp'])).toMatchObject({
      host: '127.0.0.1',
      port: 6280,
    });
    expect(parseProxyArgs(['--target=http://h/mcp', '--listen', '[::1]:0'])).toMatchObject({
      host: '::1',
      port: 0,
    });
    expect(parseProxyArgs(['--target=http://h/mcp', '--listen', '0.0.0.0:8080'])).toMatchObject({
      host: '0.0.0.0',
      port: 8080,
    });
    expect(() => parseProxyArgs([])).toThrow(/--target/);
    expect(() => parseProxyArgs(['--target', 'ftp://x'])).toThrow(/http or https/);
  });
});
