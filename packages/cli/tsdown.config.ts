import { defineConfig } from 'tsdown';

export default defineConfig({
  entry: ['src/index.ts', 'src/bin.ts'],
  format: ['esm', 'cjs'],
  dts: true,
  platform: 'node',
  target: 'node22',
  // tsdown's own timing advice, printed on every build, is not ours to act on
  checks: { pluginTimings: false },
  sourcemap: true,
  // The hub is a lazily loaded chunk with a content hash in its name: empty dist first, or
  // every rebuild leaves the old chunk behind (and a packed tarball would ship it).
  clean: true,
});
