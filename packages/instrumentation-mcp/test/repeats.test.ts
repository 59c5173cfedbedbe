import { describe, expect, it } from 'vitest';
import { RepeatDetector } from '../src/signals/repeats.js';

describe('RepeatDetector', () => {
  it('says a call with the same tool and arguments is a repeat, whatever the key order', () => {
    const d = new RepeatDetector();
    expect(d.isRepeat('echo', { a: 1, b: 'x' })).toBe(false);
    expect(d.isRepeat('echo', { b: 'x', a: 1 })).toBe(true);
    expect(d.isRepeat('echo', { a: 2, b: 'x' })).toBe(false);
    expect(d.isRepeat('other', { a: 1, b: 'x' })).toBe(false);
    // the tool name and the arguments stay apart: "ab" + "c" is not "a" + "bc"
    expect(d.isRepeat('ab', 'c')).toBe(false);
    expect(d.isRepeat('a', 'bc')).toBe(false);
  });

  it('remembers the last 256 distinct calls, forgetting the oldest first', () => {
    const d = new RepeatDetector();
    for (let i = 0; i < 256; i++) expect(d.isRepeat('t', { i })).toBe(false);
    for (let i = 0; i < 256; i++) expect(d.isRepeat('t', { i })).toBe(true);
    // a repeat does not take a place: the 257th distinct call forgets call 0 only
    expect(d.isRepeat('t', { i: 256 })).toBe(false);
    expect(d.isRepeat('t', { i: 1 })).toBe(true);
    expect(d.isRepeat('t', { i: 0 })).toBe(false); // forgotten, remembered again (forgets 1)
    expect(d.isRepeat('t', { i: 2 })).toBe(true);
    expect(d.isRepeat('t', { i: 1 })).toBe(false);
    // many times round the ring: still bounded, still first in, first out
    for (let i = 1000; i < 5000; i++) d.isRepeat('t', { i });
    expect(d.isRepeat('t', { i: 4999 })).toBe(true);
    expect(d.isRepeat('t', { i: 4744 })).toBe(true);
    expect(d.isRepeat('t', { i: 4743 })).toBe(false);
  });

  it('tells values apart by type and content, at any depth, in any key order', () => {
    const d = new RepeatDetector();
    expect(d.isRepeat('t', { a: { x: [1, 'two', { p: true, q: null }], y: 1.5 } })).toBe(false);
    expect(d.isRepeat('t', { a: { y: 1.5, x: [1, 'two', { q: null, p: true }] } })).toBe(true);
    expect(d.isRepeat('t', { a: { y: 1.5, x: ['two', 1, { q: null, p: true }] } })).toBe(false); // array order counts
    expect(d.isRepeat('t', { n: 1 })).toBe(false);
    expect(d.isRepeat('t', { n: '1' })).toBe(false);
    expect(d.isRepeat('t', { n: true })).toBe(false);
    expect(d.isRepeat('t', { n: null })).toBe(false);
    expect(d.isRepeat('t', { n: 1, gone: undefined })).toBe(true); // undefined is left out, as in JSON
    expect(d.isRepeat('t', { a: 1, b: 2 })).toBe(false);
    expect(d.isRepeat('t', { a: 2, b: 1 })).toBe(false);
    expect(d.isRepeat('t', {})).toBe(false);
    expect(d.isRepeat('t', [])).toBe(false);
    expect(d.isRepeat('t', undefined)).toBe(false);
  });

  it('never throws: cyclic arguments, throwing getters, bigints', () => {
    const d = new RepeatDetector();
    const cyclic: Record<string, unknown> = { a: 1 };
    cyclic.self = cyclic;
    expect(d.isRepeat('t', cyclic)).toBe(false);
    expect(d.isRepeat('t', cyclic)).toBe(true);
    const hostile = Object.defineProperty({}, 'x', {
      enumerable: true,
      get() {
        throw new Error('no');
      },
    });
    expect(() => d.isRepeat('t', hostile)).not.toThrow();
    expect(d.isRepeat('t', { big: 1n })).toBe(false);
    expect(d.isRepeat('t', { big: 1n })).toBe(true);
  });

  it('forgets everything on clear()', () => {
    const d = new RepeatDetector();
    d.isRepeat('t', { a: 1 });
    d.clear();
    expect(d.isRepeat('t', { a: 1 })).toBe(false);
    expect(d.isRepeat('t', { a: 1 })).toBe(true);
  });
});
