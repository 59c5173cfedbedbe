// `pnpm demo` is the first thing a newcomer runs: it must work, print the
// metrics URL and real series, and keep stdout empty.
import { fileURLToPath } from 'node:url';
import { expect, it } from 'vitest';
import { startNode } from '../../../test-utils/process.js';

it('runs the story, prints the metrics URL and series, and writes nothing to stdout', async () => {
  const child = startNode([fileURLToPath(new URL('../demo.mjs', import.meta.url)), '--once'], {
    cwd: fileURLToPath(new URL('..', import.meta.url)),
    env: {
      PATH: process.env.PATH,
      OTEL_EXPORTER_PROMETHEUS_PORT: '0',
      OTEL_EXPORTER_PROMETHEUS_HOST: '127.0.0.1',
    },
  });
  const result = await child.exited;
  expect(result.code, child.stderr()).toBe(0);
  expect(child.stderr()).toMatch(/mcpmeter demo — metrics at http:\/\/127\.0\.0\.1:\d+\/metrics/);
  expect(child.stderr()).toMatch(/target_info\{[^}]*service_name="mcpmeter-demo"/);
  expect(child.stdout()).toBe('');
});
