import { describe, expect, it } from 'vitest';
import { JsonScanner, type WireMessage } from '../src/wire/json-scanner.js';

function scan(text: string, chunk = Infinity): { result: string; messages: WireMessage[] } {
  const messages: WireMessage[] = [];
  const s = new JsonScanner((m) => messages.push(m));
  const buf = Buffer.from(text);
  const step = Number.isFinite(chunk) ? chunk : buf.length || 1;
  for (let i = 0; i < buf.length; i += step) {
    s.feed(buf.subarray(i, Math.min(buf.length, i + step)), 0, undefined, i);
  }
  return { result: s.finish(), messages };
}

describe('JsonScanner', () => {
  it('reads a request with trace context, in any chunking', () => {
    const tp = '00-0af7651916cd43dd8448eb211c80319c-b7ad6b7169203331-01';
    const text = JSON.stringify({
      jsonrpc: '2.0',
      id: 7,
      method: 'tools/call',
      params: {
        name: 'get_weather',
        arguments: { city: 'x', nested: { name: 'no' } },
        _meta: { traceparent: tp, tracestate: 'a=b', progressToken: 1 },
      },
    });
    for (const chunk of [1, 2, 3, 7, Infinity]) {
      const { result, messages } = scan(text, chunk);
      expect(result).toBe('ok');
      expect(messages).toHaveLength(1);
      const m = messages[0]!;
      expect(m).toMatchObject({
        idKey: 'n:7',
        idText: '7',
        method: 'tools/call',
        name: 'get_weather',
        traceparent: tp,
        tracestate: 'a=b',
      });
      expect(text.slice(m.traceparentStart, m.traceparentEnd)).toBe(tp);
    }
  });

  it('reads responses: isError, error codes, list names, protocol version', () => {
    const { messages } = scan(
      JSON.stringify([
        {
          jsonrpc: '2.0',
          id: 'a',
          result: { content: [{ type: 'text', text: 'x"\\' }], isError: true },
        },
        { jsonrpc: '2.0', id: 2, error: { code: -32602, message: 'bad', data: { code: 1 } } },
        {
          jsonrpc: '2.0',
          id: 3,
          result: {
            tools: [
              { name: 't1', inputSchema: { properties: { name: {} } } },
              { name: 't\u00e92' },
            ],
          },
        },
        { jsonrpc: '2.0', id: 4, result: { protocolVersion: '2025-06-18', capabilities: {} } },
        { jsonrpc: '2.0', method: 'notifications/cancelled', params: { requestId: 9 } },
      ]),
    );
    expect(messages.map((m) => [m.idKey, m.hasResult, m.hasError, m.isError, m.errorCode])).toEqual(
      [
        ['s:a', true, false, true, undefined],
        ['n:2', false, true, false, -32602],
        ['n:3', true, false, false, undefined],
        ['n:4', true, false, false, undefined],
        [undefined, false, false, false, undefined],
      ],
    );
    expect(messages[2]!.toolNames).toEqual(['t1', 't\u00e92']);
    expect(messages[3]!.protocolVersion).toBe('2025-06-18');
    expect(messages[4]!.requestIdKey).toBe('n:9');
  });

  it('keys in escapes and ids as strings', () => {
    const { messages } = scan('{"i\\u0064":"x\\"y","method":"ping"}');
    expect(messages[0]).toMatchObject({ idKey: 's:x"y', method: 'ping' });
  });

  it.each([
    '{',
    '{"a":}',
    'hello',
    '{"a":1}}',
    '[1,2]',
    '{"a":tru}',
    '{"a":1,}',
    '[{"a":1},]',
    '42',
    '{"a":01}',
    '[]',
  ])('malformed: %s', (text) => {
    expect(scan(text).result).toBe('malformed');
  });

  it.each(['{}', ' {"a":[1,2,{"b":null}],"c":-1.5e3} ', '[{"id":1,"result":{}}]'])(
    'valid: %s',
    (text) => {
      expect(scan(text).result).toBe('ok');
    },
  );

  it('empty', () => {
    expect(scan('  \r').result).toBe('empty');
  });

  it('a huge string is never held', () => {
    const s = new JsonScanner(() => {});
    s.feed(Buffer.from('{"jsonrpc":"2.0","id":1,"result":{"content":[{"type":"text","text":"'));
    const block = Buffer.alloc(1 << 20, 0x61);
    for (let i = 0; i < 20; i++) s.feed(block);
    let got: WireMessage | undefined;
    const s2 = new JsonScanner((m) => (got = m));
    s2.feed(Buffer.from('{"result":{"content":[{"text":"'));
    for (let i = 0; i < 5; i++) s2.feed(block);
    s2.feed(Buffer.from('"}],"isError":true},"jsonrpc":"2.0","id":12}'));
    expect(s2.finish()).toBe('ok');
    expect(got).toMatchObject({ idKey: 'n:12', isError: true, hasResult: true });
  });

  it('keeps the bytes of a tools/list answer’s tools, in any chunking, and only those', () => {
    const tools = [
      { name: 'a', description: 'Says "hi" \u00e9', inputSchema: { type: 'object' } },
      { name: 'b', inputSchema: { type: 'object', properties: { x: { type: 'array' } } } },
    ];
    const text = JSON.stringify([
      { jsonrpc: '2.0', id: 1, result: { tools, nextCursor: 'c'.repeat(5000) } },
      { jsonrpc: '2.0', id: 2, result: { tools: [] } },
      { jsonrpc: '2.0', id: 3, result: { content: [{ tools: [1] }] } },
      { jsonrpc: '2.0', id: 4, method: 'tools/list', params: { cursor: 'p' } },
    ]);
    for (const chunk of [1, 2, 5, 64, Infinity]) {
      const { result, messages } = scan(text, chunk);
      expect(result).toBe('ok');
      expect(JSON.parse(messages[0]!.tools!.toString())).toEqual(tools);
      expect(messages[0]!.nextCursor).toBe(true); // a 5,000-character cursor is still seen
      expect(messages[1]!.tools!.toString()).toBe('[]');
      expect(messages[1]!.nextCursor).toBe(false);
      expect(messages[2]!.tools).toBeUndefined();
      expect(messages[3]).toMatchObject({ cursor: true, tools: undefined });
    }
  });

  it('drops a tools array over the limit and says so on the message', () => {
    let got: WireMessage | undefined;
    const s = new JsonScanner((m) => (got = m));
    s.feed(Buffer.from('{"jsonrpc":"2.0","id":1,"result":{"tools":[{"name":"big","description":"'));
    const block = Buffer.alloc(1 << 20, 0x61);
    for (let i = 0; i < 5; i++) s.feed(block);
    s.feed(Buffer.from('"}]}}'));
    expect(s.finish()).toBe('ok');
    expect(got).toMatchObject({ idKey: 'n:1', tools: undefined, toolsTooLarge: true });
  });
});
