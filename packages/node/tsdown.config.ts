import { defineConfig } from 'tsdown';

const shared = {
  dts: true,
  platform: 'node',
  target: 'node22',
  // tsdown's own timing advice, printed on every build, is not ours to act on
  checks: { pluginTimings: false },
  sourcemap: true,
} as const;

export default defineConfig([
  { ...shared, entry: { index: 'src/index.ts' }, format: ['esm', 'cjs'] },
  // `--import` entry: ESM only (top-level await for the loader hook).
  { ...shared, entry: { register: 'src/register-esm.ts' }, format: ['esm'] },
  // `--require` entry: CJS only.
  { ...shared, entry: { register: 'src/register-cjs.ts' }, format: ['cjs'] },
]);
