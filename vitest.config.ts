import { defineConfig } from 'vitest/config';

// One run for the whole monorepo. Integration tests start real processes
// (Prometheus, MCP stdio servers, OTLP receivers), so they get generous
// timeouts; nothing here asserts on wall-clock speed (that is bench/).
export default defineConfig({
  test: {
    include: ['packages/*/test/**/*.test.ts', 'examples/*/test/**/*.test.ts', 'test/**/*.test.ts'],
    testTimeout: 60_000,
    hookTimeout: 60_000,
    pool: 'forks',
    // 2-core machines: integration tests own ports and child processes.
    maxWorkers: 2,
    reporters: ['default'],
  },
});
