/*
 * The checks and docs tables driven by the settings table (settings-table.ts): every
 * option given in code is checked for its shape, every environment variable
 * config.ts does not resolve for its value, and docs/configuration.md's tables are
 * generated from the same rows.
 */
import { isObject, SETTINGS, type Setting, type Shape } from './settings-table.js';

export { SETTINGS } from './settings-table.js';

/** Option paths whose value is an object with settings of its own in the table. */
const NESTED = new Set(['metrics', 'prometheus', 'traces', 'mcp', 'llm']);

const BY_OPTION = new Map(SETTINGS.filter((s) => s.option).map((s) => [s.option as string, s]));

/** An option path's instrumentation keys not in the table are that package's business. */
const OPEN_OBJECTS = new Set(['mcp', 'llm']);

export interface Problem {
  setting: string;
  message: string;
}

/** `"value"` for a message: escaped by JSON, cut to 80 characters. */
export function quote(value: unknown): string {
  let s: string;
  try {
    s = typeof value === 'function' ? 'a function' : (JSON.stringify(value) ?? String(value));
  } catch {
    s = Object.prototype.toString.call(value);
  }
  return s.length > 80 ? `${s.slice(0, 79)}…` : s;
}

/**
 * Checks the shape of every option given in code. Returns a copy without the
 * values that cannot be used (their defaults apply) and one problem each.
 */
export function checkOptions(input: unknown): {
  options: Record<string, unknown>;
  problems: Problem[];
} {
  const problems: Problem[] = [];
  if (input === undefined) return { options: {}, problems };
  if (!isObject(input)) {
    problems.push({
      setting: 'register(options)',
      message: `mcpmeter: register() takes an options object, not ${quote(input)}; using the defaults and the environment.`,
    });
    return { options: {}, problems };
  }
  return { options: walk(input, '', problems), problems };
}

function walk(
  input: Record<string, unknown>,
  prefix: string,
  problems: Problem[],
): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  for (const [key, value] of Object.entries(input)) {
    const path = prefix + key;
    if (value === undefined) continue;
    const setting = BY_OPTION.get(path);
    if (NESTED.has(path) && isObject(value)) {
      if (setting && !(setting.shape.option?.(value) ?? true)) {
        problems.push(badShape(path, value, setting.shape));
        continue;
      }
      out[key] = walk(value, `${path}.`, problems);
      continue;
    }
    if (setting === undefined) {
      const parent = prefix.slice(0, -1);
      if (OPEN_OBJECTS.has(parent)) {
        out[key] = value; // the instrumentation checks its own newer options
        continue;
      }
      const known = [...BY_OPTION.keys()]
        .filter((k) => (prefix ? k.startsWith(prefix) : !k.includes('.')))
        .map((k) => k.slice(prefix.length));
      problems.push({
        setting: path,
        message: `mcpmeter: unknown option ${quote(path)}; it is ignored. Known ${prefix ? `${prefix.slice(0, -1)} options` : 'options'}: ${known.join(', ')}.`,
      });
      continue;
    }
    if (setting.shape.option && !setting.shape.option(value)) {
      problems.push(badShape(path, value, setting.shape));
      continue;
    }
    out[key] = value;
  }
  return out;
}

function badShape(path: string, value: unknown, shape: Shape): Problem {
  const setting = BY_OPTION.get(path);
  return {
    setting: path,
    message: `mcpmeter: option ${path}=${quote(value)} must be ${shape.expects}; using the default (${setting?.default.replace(/`/g, '') ?? 'none'}) instead. See docs/configuration.md.`,
  };
}

/**
 * Checks the environment variables config.ts does not check while resolving.
 * One problem per variable that holds an unusable value.
 */
export function checkEnvironment(env: Record<string, string | undefined>): Problem[] {
  const problems: Problem[] = [];
  for (const s of SETTINGS) {
    if (s.resolvedBy === 'config' || !s.env || !s.shape.env) continue;
    for (const name of s.env) {
      const raw = env[name];
      if (raw === undefined || raw.trim() === '' || s.shape.env(raw.trim())) continue;
      problems.push({
        setting: name,
        message: `mcpmeter: ${name}=${quote(raw)} must be ${s.shape.expects}; ${name === 'OTEL_RESOURCE_ATTRIBUTES' || name.endsWith('_HEADERS') ? 'the malformed pairs are ignored' : `using the default (${s.default.replace(/`/g, '')})`}. See docs/configuration.md.`,
      });
    }
  }
  return problems;
}

/** The "Every setting" table of docs/configuration.md. */
export function settingsTable(): string {
  const rows = SETTINGS.filter((s) => !s.option?.includes('.') || !/^(mcp|llm)\./.test(s.option));
  return markdownTable(rows);
}

/** The instrumentation options table of docs/configuration.md. */
export function instrumentationTable(): string {
  return markdownTable(SETTINGS.filter((s) => s.option && /^(mcp|llm)\./.test(s.option)));
}

function markdownTable(rows: readonly Setting[]): string {
  const cell = (s: string) => s.replace(/\|/g, '\\|');
  const lines = [
    '| Option (`register({...})`) | Environment variable | Default | What it does |',
    '| --- | --- | --- | --- |',
  ];
  for (const s of rows) {
    const env = s.env
      ? s.env.map((e) => `\`${e}\``).join(', ') + (s.envValues ? ` (${s.envValues})` : '')
      : '—';
    lines.push(
      `| ${s.option ? `\`${s.option}\`` : '—'} | ${cell(env)} | ${cell(s.default)} | ${cell(s.doc)} |`,
    );
  }
  return lines.join('\n');
}
