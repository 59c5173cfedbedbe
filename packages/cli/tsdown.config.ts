import { defineConfig } from 'tsdown';

export default defineConfig({
  entry: ['src/index.ts', 'src/bin.ts'],
  format: ['esm', 'cjs'],
  dts: true,
  platform: 'node',
  target: 'node22',
  sourcemap: true,
  clean: false,
});
