import { diag, DiagLogLevel, type DiagLogger } from '@opentelemetry/api';
import { afterEach, describe, expect, it } from 'vitest';
import {
  AttributeSetCache,
  BoundedValues,
  MCP_DURATION_BUCKETS,
  OTHER,
  callHook,
  errorClassName,
  safeExecute,
  semconv,
  warnOnce,
} from '../src/index.js';

function captureDiag(): string[] {
  const lines: string[] = [];
  const push = (m: string) => lines.push(m);
  const logger: DiagLogger = { error: push, warn: push, info: push, debug: push, verbose: push };
  diag.setLogger(logger, { logLevel: DiagLogLevel.ALL, suppressOverrideMessage: true });
  return lines;
}

afterEach(() => diag.disable());

describe('BoundedValues', () => {
  it('maps values outside the allow-list to _OTHER', () => {
    const tools = new BoundedValues(['get_weather']);
    expect(tools.get('get_weather')).toBe('get_weather');
    expect(tools.get('invented')).toBe(OTHER);
    expect(tools.get(undefined)).toBe(OTHER);
    expect(tools.get({ toString: () => 'get_weather' })).toBe(OTHER);
  });

  it('refuses empty, over-long and excess values', () => {
    const b = new BoundedValues([], { maxValues: 2, maxLength: 5 });
    expect(b.add('')).toBe(false);
    expect(b.add('toolong')).toBe(false);
    expect(b.add(42)).toBe(false);
    expect(b.add('a')).toBe(true);
    expect(b.add('a')).toBe(true);
    expect(b.add('b')).toBe(true);
    expect(b.add('c')).toBe(false);
    expect(b.size).toBe(2);
    b.delete('a');
    expect(b.get('a')).toBe(OTHER);
  });

  it('keeps 10,000 random names to (allowed + 1) label values', () => {
    const b = new BoundedValues(['x', 'y']);
    const seen = new Set<string>();
    for (let i = 0; i < 10_000; i++) seen.add(b.get(Math.random().toString(36)));
    seen.add(b.get('x'));
    expect(seen.size).toBeLessThanOrEqual(3);
  });
});

describe('AttributeSetCache', () => {
  it('returns the same frozen object for the same values', () => {
    const cache = new AttributeSetCache([
      semconv.ATTR_MCP_METHOD_NAME,
      semconv.ATTR_GEN_AI_TOOL_NAME,
    ]);
    const a = cache.get('tools/call', 'x');
    expect(cache.get('tools/call', 'x')).toBe(a);
    expect(a).toEqual({ 'mcp.method.name': 'tools/call', 'gen_ai.tool.name': 'x' });
    expect(Object.isFrozen(a)).toBe(true);
    expect(cache.get('tools/list', undefined)).toEqual({ 'mcp.method.name': 'tools/list' });
    expect(cache.size).toBe(2);
  });

  it('stops caching past maxEntries but still answers', () => {
    const cache = new AttributeSetCache(['k'], 3);
    for (let i = 0; i < 10; i++) expect(cache.get(String(i))).toEqual({ k: String(i) });
    expect(cache.size).toBe(3);
  });

  it('rejects a key list it cannot serve', () => {
    expect(() => new AttributeSetCache([])).toThrow(RangeError);
  });
});

describe('never throw into the host', () => {
  it('safeExecute logs and returns undefined', () => {
    const lines = captureDiag();
    expect(
      safeExecute(() => {
        throw new TypeError('boom');
      }, 'recording'),
    ).toBeUndefined();
    expect(lines.join('\n')).toMatch(/recording failed: TypeError: boom/);
    expect(safeExecute(() => 7)).toBe(7);
  });

  it('callHook swallows hook errors', () => {
    const lines = captureDiag();
    expect(
      callHook(() => {
        throw new Error('x');
      }, 'redact'),
    ).toBeUndefined();
    expect(callHook((a: number) => a + 1, 'add', 1)).toBe(2);
    expect(callHook(undefined, 'none')).toBeUndefined();
    expect(lines.some((l) => l.includes('redact hook threw'))).toBe(true);
  });

  it('warnOnce warns once per key', () => {
    const lines = captureDiag();
    warnOnce('k1-test', 'first');
    warnOnce('k1-test', 'second');
    expect(lines.filter((l) => l === 'first' || l === 'second')).toEqual(['first']);
  });

  it('errorClassName never returns a message or an empty string', () => {
    class RateLimitError extends Error {}
    expect(errorClassName(new RateLimitError('secret user text'))).toBe('RateLimitError');
    expect(errorClassName(new TypeError('x'))).toBe('TypeError');
    expect(errorClassName('a string')).toBe('_OTHER');
    expect(errorClassName(null)).toBe('_OTHER');
    expect(errorClassName({ name: 'AbortError' })).toBe('AbortError');
    const hostile = new Proxy(
      {},
      {
        get() {
          throw new Error('trap');
        },
      },
    );
    expect(errorClassName(hostile)).toBe('_OTHER');
  });
});

describe('constants', () => {
  it('uses the semconv MCP buckets', () => {
    expect(MCP_DURATION_BUCKETS).toEqual([
      0.01, 0.02, 0.05, 0.1, 0.2, 0.5, 1, 2, 5, 10, 30, 60, 120, 300,
    ]);
    expect(semconv.MCP_METHOD_NAMES).toContain('tools/call');
  });
});
