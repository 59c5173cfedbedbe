/*
 * The settings table (src/settings.ts) is the one list of register()'s options and
 * environment variables: docs/configuration.md is generated from it, and every
 * row is tried here with a value of the wrong shape — one `mcpmeter:` line naming
 * the setting, no throw, a working handle.
 */
import { readFileSync } from 'node:fs';
import { afterEach, describe, expect, it } from 'vitest';
import { register, type RegisterHandle } from '../src/index.js';
import { instrumentationTable, SETTINGS, settingsTable } from '../src/settings.js';

const doc = readFileSync(new URL('../../../docs/configuration.md', import.meta.url), 'utf8');

/** Table rows as trimmed cells, whatever the column widths. */
const rows = (markdown: string) =>
  markdown
    .split('\n')
    .filter((l) => l.startsWith('|') && !/^\|[\s|-]+\|$/.test(l))
    .map((l) =>
      l
        .slice(1, -1)
        .split(/(?<!\\)\|/)
        .map((c) => c.trim()),
    );

function section(name: string): string {
  const m = new RegExp(`<!-- ${name}:begin[^>]*-->([\\s\\S]*?)<!-- ${name}:end -->`).exec(doc);
  if (!m?.[1]) throw new Error(`docs/configuration.md has no ${name} section`);
  return m[1];
}

describe('docs/configuration.md', () => {
  it('shows the settings table as it is (node scripts/gen-config-docs.mjs rewrites it)', () => {
    expect(rows(section('settings'))).toEqual(rows(settingsTable()));
    expect(rows(section('instrumentation-options'))).toEqual(rows(instrumentationTable()));
  });
});

let handle: RegisterHandle | undefined;
let restoreEnv: (() => void) | undefined;
afterEach(async () => {
  await handle?.shutdown();
  handle = undefined;
  restoreEnv?.();
  restoreEnv = undefined;
});

async function linesOf(run: () => RegisterHandle): Promise<string[]> {
  const lines: string[] = [];
  const write = process.stderr.write.bind(process.stderr);
  process.stderr.write = (chunk: string | Uint8Array) => {
    lines.push(...String(chunk).split('\n').filter(Boolean));
    return true;
  };
  try {
    expect(() => (handle = run())).not.toThrow();
    await handle?.ready.catch(() => {});
    await new Promise((r) => setTimeout(r, 20));
  } finally {
    process.stderr.write = write;
  }
  return lines;
}

function setPath(path: string, value: unknown): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  let at = out;
  const keys = path.split('.');
  keys.slice(0, -1).forEach((k) => (at = at[k] = {} as Record<string, unknown>));
  at[keys.at(-1) as string] = value;
  return out;
}

// A quiet baseline: nothing to bind, nothing to export, no signal handlers.
const quiet = { prometheus: { mode: 'mount' }, traces: { exporter: 'none' }, handleSignals: false };

function merge(a: Record<string, unknown>, b: Record<string, unknown>): Record<string, unknown> {
  const out = { ...a };
  for (const [k, v] of Object.entries(b)) {
    const prev = out[k];
    out[k] =
      prev && typeof prev === 'object' && v && typeof v === 'object' && !Array.isArray(v)
        ? merge(prev as Record<string, unknown>, v as Record<string, unknown>)
        : v;
  }
  return out;
}

const optionCases = SETTINGS.filter((s) => s.option && s.shape.badOption !== undefined).map(
  (s) => [s.option as string, s.shape.badOption] as const,
);
// Environment variables that take any value at all, or that their own package checks.
const ANY_VALUE = ['OTEL_SERVICE_NAME'];
const envCases = SETTINGS.flatMap((s) =>
  (s.env ?? [])
    .filter((name) => !ANY_VALUE.includes(name) && s.resolvedBy !== 'llm')
    .map((name) => [name, s.shape.badEnv] as const),
);

describe('every option with a value of the wrong shape', () => {
  it('has a bad value to try for every option', () => {
    expect(SETTINGS.filter((s) => s.option && s.shape.badOption === undefined)).toEqual([]);
  });

  it.each(optionCases)('%s=%o: one line naming it, no throw', async (path, bad) => {
    const lines = await linesOf(() => register(merge(quiet, setPath(path, bad))));
    // A fallback to OTLP may also meet no collector: a second, different problem.
    const rest = lines.filter((l) => !/no OTLP collector answers/.test(l));
    expect(rest, lines.join('\n')).toHaveLength(1);
    expect(rest[0]).toMatch(/^mcpmeter: /);
    expect(rest[0]).toContain(path);
  });

  it('an unknown option: one line naming it and the known ones', async () => {
    const lines = await linesOf(() => register(merge(quiet, { prometheus: { prot: 9464 } })));
    expect(lines).toHaveLength(1);
    expect(lines[0]).toMatch(/^mcpmeter: unknown option "prometheus\.prot"; .*port/);
  });
});

describe('every environment variable with an unusable value', () => {
  it('has a bad value to try for every variable but those that take any value', () => {
    expect(envCases.filter(([, bad]) => bad === undefined)).toEqual([]);
  });

  it.each(envCases)('%s=%o: one line naming it, no throw', async (name, bad) => {
    const before = process.env[name];
    process.env[name] = bad;
    restoreEnv = () => {
      if (before === undefined) delete process.env[name];
      else process.env[name] = before;
    };
    // The variable under test must be the one that decides: no option overrides it.
    const base =
      name === 'OTEL_TRACES_EXPORTER' || name.startsWith('OTEL_TRACES_SAMPLER')
        ? { prometheus: { mode: 'mount' }, handleSignals: false }
        : name === 'OTEL_EXPORTER_PROMETHEUS_HOST' || name === 'MCPMETER_EXEMPLARS'
          ? { traces: { exporter: 'none' }, handleSignals: false, prometheus: { port: 0 } }
          : quiet;
    const extra: Record<string, string> =
      name === 'OTEL_TRACES_SAMPLER_ARG' ? { OTEL_TRACES_SAMPLER: 'traceidratio' } : {};
    for (const [k, v] of Object.entries(extra)) process.env[k] = v;
    try {
      const lines = await linesOf(() => register(base as never));
      // A fallback to OTLP may also meet no collector: a second, different problem.
      const rest = lines.filter((l) => !/no OTLP collector answers/.test(l));
      expect(rest, lines.join('\n')).toHaveLength(1);
      expect(rest[0]).toMatch(/^mcpmeter: /);
      expect(rest[0]).toContain(name);
    } finally {
      for (const k of Object.keys(extra)) delete process.env[k];
    }
  });
});
