import { defineConfig } from 'tsdown';

export default defineConfig({
  entry: ['src/index.ts'],
  format: ['esm', 'cjs'],
  dts: true,
  platform: 'node',
  target: 'node22',
  // tsdown's own timing advice, printed on every build, is not ours to act on
  checks: { pluginTimings: false },
  sourcemap: true,
});
