/* Argument parsing of the `mcpmeter-mixin` CLI, kept apart so it is testable without a process. */
import { readFileSync } from 'node:fs';
import { MixinConfigError, resolveConfig, type MixinConfig } from './config.js';

export const USAGE = `Usage: mcpmeter-mixin <command> [options]

Commands:
  rules                 print the recording rules (YAML)
  alerts                print the alert rules (YAML)
  prometheus-rule       print both as a Prometheus Operator PrometheusRule (YAML)
  dashboard <name>      print one dashboard (JSON): mcp-overview, mcp-tool, mcp-catalog, llm-usage
  sloth                 print the SLOs as a Sloth prometheus/v1 spec (YAML)
  openslo               print the SLOs as OpenSLO v1 documents (YAML)
  generate --out <dir>  write rules.yml, alerts.yml and dashboards/*.json into <dir>

Options:
  --config <file.json>  settings to merge over the defaults (same shape as the TS API)
  --set <path>=<value>  one setting, e.g. --set alerts.costBudget.monthlyUsd=500
                        or --set selector='namespace="prod"' or --set slo.perTool=true
                        (repeatable; wins over --config)
  --help                show this text
`;

export interface CliCommand {
  command:
    | 'rules'
    | 'alerts'
    | 'prometheus-rule'
    | 'dashboard'
    | 'generate'
    | 'sloth'
    | 'openslo'
    | 'help';
  dashboard?: string;
  out?: string;
  config: MixinConfig;
}

function setPath(target: Record<string, unknown>, path: string, raw: string): void {
  const keys = path.split('.');
  let node = target;
  for (const k of keys.slice(0, -1)) {
    if (typeof node[k] !== 'object' || node[k] === null) node[k] = {};
    node = node[k] as Record<string, unknown>;
  }
  const value =
    raw === 'true' || raw === 'false'
      ? raw === 'true'
      : raw.trim() !== '' && Number.isFinite(Number(raw))
        ? Number(raw)
        : raw;
  node[keys[keys.length - 1]!] = value;
}

export function parseArgs(argv: string[]): CliCommand {
  const partial: Record<string, unknown> = {};
  const sets: [string, string][] = [];
  const positional: string[] = [];
  let out: string | undefined;
  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i]!;
    const next = (): string => {
      const v = argv[++i];
      if (v === undefined)
        throw new MixinConfigError(`mcpmeter-mixin: ${arg} needs a value\n\n${USAGE}`);
      return v;
    };
    if (arg === '--help' || arg === '-h') return { command: 'help', config: resolveConfig() };
    else if (arg === '--config') {
      const file = next();
      let text: string;
      try {
        text = readFileSync(file, 'utf8');
      } catch (err) {
        throw new MixinConfigError(
          `mcpmeter-mixin: cannot read --config ${file}: ${(err as Error).message}`,
        );
      }
      try {
        Object.assign(partial, JSON.parse(text));
      } catch (err) {
        throw new MixinConfigError(
          `mcpmeter-mixin: --config ${file} is not valid JSON: ${(err as Error).message}`,
        );
      }
    } else if (arg === '--set') {
      const kv = next();
      const eq = kv.indexOf('=');
      if (eq <= 0)
        throw new MixinConfigError(`mcpmeter-mixin: --set expects <path>=<value>, got "${kv}"`);
      sets.push([kv.slice(0, eq), kv.slice(eq + 1)]);
    } else if (arg === '--out') out = next();
    else if (arg.startsWith('-'))
      throw new MixinConfigError(`mcpmeter-mixin: unknown option ${arg}\n\n${USAGE}`);
    else positional.push(arg);
  }
  for (const [path, value] of sets) setPath(partial, path, value);
  const config = resolveConfig(partial);
  const [command, name] = positional;
  switch (command) {
    case 'rules':
    case 'alerts':
    case 'prometheus-rule':
    case 'sloth':
    case 'openslo':
      return { command, config };
    case 'dashboard':
      if (!name) throw new MixinConfigError(`mcpmeter-mixin: dashboard needs a name\n\n${USAGE}`);
      return { command, dashboard: name, config };
    case 'generate':
      if (!out) throw new MixinConfigError('mcpmeter-mixin: generate needs --out <dir>');
      return { command, out, config };
    case undefined:
      return { command: 'help', config };
    default:
      throw new MixinConfigError(`mcpmeter-mixin: unknown command "${command}"\n\n${USAGE}`);
  }
}
