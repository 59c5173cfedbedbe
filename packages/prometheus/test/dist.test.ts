import { spawnSync } from 'node:child_process';
import { createRequire } from 'node:module';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';

/*
 * The built package (run `pnpm build` first; `pnpm test` does): CJS and ESM
 * entry points both load and work, a server started with `unref` lets the
 * process exit, and nothing is written to stdout.
 */
const DIST = join(import.meta.dirname, '..', 'dist');
const require = createRequire(import.meta.url);

const SCRIPT = (entry: string, load: string) => `
${load}
const { MeterProvider } = require(${JSON.stringify(require.resolve('@opentelemetry/sdk-metrics'))});
(async () => {
  const m = await mod;
  const store = new m.ExemplarStore();
  const reader = new m.PrometheusReader({ exemplars: store });
  const provider = new MeterProvider({ readers: [reader] });
  m.withExemplars(provider, store).getMeter('dist').createCounter('dist.runs').add(1);
  const server = await m.startMetricsServer(reader, { host: '127.0.0.1', port: 0, unref: true });
  const res = await fetch(server.url, { headers: { accept: 'application/openmetrics-text' } });
  const body = await res.text();
  if (!body.includes('dist_runs_total{') || !body.endsWith('# EOF\\n')) process.exitCode = 3;
  process.stderr.write('${entry} ok\\n');
})();
`;

describe('built dist', () => {
  for (const [entry, load] of [
    ['cjs', `const mod = Promise.resolve(require(${JSON.stringify(join(DIST, 'index.cjs'))}));`],
    ['esm', `const mod = import(${JSON.stringify('file://' + join(DIST, 'index.mjs'))});`],
  ] as const) {
    it(`${entry}: loads, serves, exits on its own with an unref'd server, writes nothing to stdout`, () => {
      const r = spawnSync(process.execPath, ['-e', SCRIPT(entry, load)], {
        encoding: 'utf8',
        timeout: 30_000,
      });
      expect(r.stderr).toContain(`${entry} ok`);
      expect(r.stdout).toBe('');
      expect(r.status).toBe(0);
    });
  }
});
