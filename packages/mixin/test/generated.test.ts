import { readFileSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { mixinFiles } from '../src/index.js';

const dir = join(import.meta.dirname, '..', 'generated');

describe('generated/', () => {
  it('is what the code generates with the default settings (regenerate with `pnpm --filter @mcpmeter/mixin generate`)', () => {
    const files = mixinFiles();
    for (const [rel, content] of Object.entries(files)) {
      expect(readFileSync(join(dir, rel), 'utf8'), rel).toBe(content);
    }
    const committed = [
      ...readdirSync(dir).filter((f) => f.endsWith('.yml')),
      ...readdirSync(join(dir, 'dashboards')).map((f) => `dashboards/${f}`),
    ].sort();
    expect(committed).toEqual(Object.keys(files).sort());
  });
});
