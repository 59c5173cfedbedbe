/*
 * Runs the suites of the packages that only need @opentelemetry/api (the
 * instrumentations, core and the exposition) against the SDK 2.x line and api 1.9
 * installed in this folder: what a user who brings their own SDK 2.x gets.
 * Workspace packages resolve to their sources so that every @opentelemetry/*
 * import, theirs and the tests', lands on the 2.x copies. @mcpmeter/node is SDK 3.x
 * only: suites that load it in the test process are left to the main job (child
 * processes still load the built @mcpmeter/node, as users run it).
 */
import { existsSync, readdirSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { configDefaults, defineConfig } from 'vitest/config';

const here = (p: string) => fileURLToPath(new URL(p, import.meta.url));
const root = here('../../');
const nm = (name: string) => here(`./node_modules/${name}`);

const PACKAGES = ['core', 'prometheus', 'instrumentation-mcp', 'instrumentation-llm'].filter((p) =>
  existsSync(`${root}packages/${p}/src/index.ts`),
);

const mcpmeterAliases = readdirSync(`${root}packages`)
  .filter((p) => existsSync(`${root}packages/${p}/src/index.ts`))
  .map((p) => ({
    find: new RegExp(`^@mcpmeter/${p}$`),
    replacement: `${root}packages/${p}/src/index.ts`,
  }));

const otel = [
  'api',
  'context-async-hooks',
  'core',
  'instrumentation',
  'resources',
  'sdk-metrics',
  'exporter-prometheus',
  'exporter-trace-otlp-proto',
].map((p) => ({
  find: new RegExp(`^@opentelemetry/${p}$`),
  replacement: nm(`@opentelemetry/${p}`),
}));

export default defineConfig({
  root,
  resolve: {
    alias: [
      ...mcpmeterAliases,
      ...otel,
      {
        find: /^@opentelemetry\/sdk-trace-base$/,
        replacement: nm('@opentelemetry/sdk-trace-base'),
      },
      { find: /^@opentelemetry\/sdk-trace$/, replacement: here('./sdk-trace-shim.ts') },
    ],
  },
  test: {
    include: [...PACKAGES.map((p) => `packages/${p}/test/**/*.test.ts`), 'compat/sdk2/*.test.ts'],
    testTimeout: 60_000,
    hookTimeout: 60_000,
    pool: 'forks',
    maxWorkers: 2,
    // Node 22 has no http2 client channel: Bedrock's default HTTP/2 transport is named
    // once on stderr instead of recorded there (wire-fallback.test.ts checks that), so
    // the suites that expect its calls recorded run in the main job (Node 24) only.
    exclude: [
      ...configDefaults.exclude,
      'packages/instrumentation-llm/test/wire-bedrock.test.ts',
      'packages/instrumentation-llm/test/register-wire.test.ts',
    ],
    // SDKs that create spans through their own @opentelemetry/api import must see the
    // api 1.9 copy the tests register on.
    server: {
      deps: {
        inline: [
          /@mcpmeter\//,
          /@opentelemetry\//,
          /@anthropic-ai\//,
          /node_modules\/ai\//,
          /@ai-sdk\//,
        ],
      },
    },
  },
});
