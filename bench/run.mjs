// `pnpm bench`: runs every benchmark in turn against the built packages and, with
// --write, lets each one replace its own section of docs/benchmarks.md.
// Run it on an otherwise idle machine; the figures are only comparable within one run.
import { spawnSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';

const scripts = [
  'prometheus-serialize.mjs',
  'prometheus-memory.mjs',
  'mcp-server.mjs',
  'llm-stream.mjs',
  'llm-wire.mjs',
  'llm-peers.mjs',
  'cli-wrap-proxy.mjs',
  'mcp-http.mjs',
  'cold-start.mjs',
];
const args = process.argv.slice(2);
let failed = 0;
for (const script of scripts) {
  process.stderr.write(`\n== bench/${script}\n`);
  const r = spawnSync(
    process.execPath,
    ['--expose-gc', fileURLToPath(new URL(script, import.meta.url)), ...args],
    {
      stdio: 'inherit',
    },
  );
  if (r.status !== 0) failed++;
}
process.exit(failed ? 1 : 0);
