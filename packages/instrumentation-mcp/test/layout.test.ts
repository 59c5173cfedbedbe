/*
 * Rooms named by role (STYLE.md, issue 17 item 7): the shared protocol hook
 * lives in src/protocol/, below both roles. server/ and client/ may import it,
 * not each other; protocol/ imports neither.
 */
import { readdirSync, readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';

const src = fileURLToPath(new URL('../src/', import.meta.url));

function importsOf(room: string): string[] {
  const out: string[] = [];
  for (const file of readdirSync(src + room)) {
    const text = readFileSync(`${src}${room}/${file}`, 'utf8');
    for (const m of text.matchAll(/from '(\.[^']+)'/g)) out.push(`${room}/${file} → ${m[1]}`);
  }
  return out;
}

describe('source layout', () => {
  it('protocol/ imports neither server/ nor client/', () => {
    expect(importsOf('protocol').filter((i) => /→ \.\.\/(server|client)\//.test(i))).toEqual([]);
  });
  it('server/ and client/ do not import each other', () => {
    expect(importsOf('server').filter((i) => i.includes('../client/'))).toEqual([]);
    expect(importsOf('client').filter((i) => i.includes('../server/'))).toEqual([]);
  });
  it('no source file passes 420 lines', () => {
    const long: string[] = [];
    for (const room of ['', 'protocol', 'server', 'client', 'signals']) {
      for (const file of readdirSync(src + room)) {
        if (!file.endsWith('.ts')) continue;
        const lines = readFileSync(`${src}${room}/${file}`, 'utf8').split('\n').length;
        if (lines > 420) long.push(`${room}/${file}: ${lines}`);
      }
    }
    expect(long).toEqual([]);
  });
});
