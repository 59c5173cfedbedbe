// Shared setup for the exposition benchmarks: modules resolved from
// packages/prometheus (its devDependencies hold the official exporter and
// prom-client), our code from its built dist.
import { execSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import os from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { writeSection as writeDocSection } from './doc-section.mjs';

export const ROOT = join(dirname(fileURLToPath(import.meta.url)), '..');
const pkgRequire = createRequire(join(ROOT, 'packages/prometheus/package.json'));

export const load = (name) => import(pathToFileURL(pkgRequire.resolve(name)).href);
export const ours = () =>
  import(pathToFileURL(join(ROOT, 'packages/prometheus/dist/index.mjs')).href);

export function machine() {
  const cpu =
    readFileSync('/proc/cpuinfo', 'utf8')
      .match(/^model name\s*:\s*(.*)$/m)?.[1]
      ?.trim() ?? os.cpus()[0]?.model;
  let nproc = String(os.availableParallelism?.() ?? os.cpus().length);
  try {
    nproc = execSync('nproc', { encoding: 'utf8' }).trim();
  } catch {
    /* keep os value */
  }
  return {
    cpu,
    nproc,
    node: process.version,
    load: os.loadavg()[0].toFixed(1),
    date: new Date().toISOString().slice(0, 10),
  };
}

/** Median and min of `runs` timings of `fn` (ms), after `warmup` runs. */
export async function time(fn, { runs = 10, warmup = 3 } = {}) {
  for (let i = 0; i < warmup; i++) await fn();
  const t = [];
  for (let i = 0; i < runs; i++) {
    const s = performance.now();
    await fn();
    t.push(performance.now() - s);
  }
  t.sort((a, b) => a - b);
  return { median: t[Math.floor(t.length / 2)], min: t[0] };
}

/** Replaces (or appends) the `## <heading>` section of docs/benchmarks.md (`## Exposition` by default). */
export const writeSection = (raw, heading = 'Exposition') => writeDocSection(heading, raw);
