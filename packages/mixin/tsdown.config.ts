import { defineConfig } from 'tsdown';

export default defineConfig([
  {
    entry: ['src/index.ts'],
    format: ['esm', 'cjs'],
    dts: true,
    platform: 'node',
    target: 'node20',
    sourcemap: true,
  },
  {
    // The CLI is ESM only; it is a bin, not an import target.
    entry: ['src/cli.ts'],
    format: ['esm'],
    dts: false,
    platform: 'node',
    target: 'node20',
    sourcemap: true,
  },
]);
