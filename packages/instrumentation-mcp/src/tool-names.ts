import { BoundedValues, type CatalogSnapshot } from '@mcpmeter/core';

/*
 * Where tool and prompt label values come from besides one instance's own
 * registrations and `tools/list` answers: the `toolNames` option or the
 * `MCPMETER_MCP_TOOLS` environment variable (zero-code users have no option to
 * set), and the names learnt by other instances of the same server. A
 * stateless HTTP server builds a server per request (fastmcp with
 * `stateless: true`, `createMcpHandler`, mcp-proxy): the instance answering a
 * `tools/call` has never answered a `tools/list`, so without sharing every
 * tool would be `_OTHER`.
 */

/** Comma-separated tool names allowed as label values when the `toolNames` option is not given. */
export const ENV_MCP_TOOLS = 'MCPMETER_MCP_TOOLS';

/** The option wins over `MCPMETER_MCP_TOOLS` (comma-separated names; blanks ignored). */
export function resolveToolNames(option: readonly string[] | undefined): readonly string[] {
  if (option !== undefined) return [...option];
  const raw = typeof process !== 'undefined' ? process.env[ENV_MCP_TOOLS] : undefined;
  if (raw === undefined) return [];
  return raw
    .split(',')
    .map((s) => s.trim())
    .filter((s) => s.length > 0);
}

/** The last complete tool listing of a server, shared like its names. */
export interface SharedCatalog {
  /** Identifies the server among the catalogs a process publishes. */
  key: string;
  snapshot: CatalogSnapshot | undefined;
}

/** Allow-lists shared by the instances of one server. */
export interface SharedNames {
  readonly tools: BoundedValues;
  readonly prompts: BoundedValues;
  readonly catalog: SharedCatalog;
}

const REGISTRY = Symbol.for('mcpmeter.instrumentation-mcp.shared-names.v2');
/** Distinct servers (name and version) a process shares allow-lists for; later ones keep their own. */
const MAX_SERVERS = 64;

function registry(): Map<string, SharedNames> {
  const g = globalThis as { [REGISTRY]?: Map<string, SharedNames> };
  return (g[REGISTRY] ??= new Map<string, SharedNames>());
}

/**
 * The allow-lists of the server `protocol` belongs to, keyed by the name and
 * version it announces (`Server._serverInfo`, both SDK generations): chosen by
 * the server's code, never by a client. A fresh pair when it announces none.
 */
export function sharedNamesOf(protocol: unknown, initial: readonly string[]): SharedNames {
  const info = (protocol as { _serverInfo?: { name?: unknown; version?: unknown } } | null)
    ?._serverInfo;
  const name = info?.name;
  const fresh = (key = ''): SharedNames => ({
    tools: new BoundedValues(initial),
    prompts: new BoundedValues(),
    catalog: { key, snapshot: undefined },
  });
  if (typeof name !== 'string' || name.length === 0) return fresh();
  const key = `${name}\u0000${typeof info?.version === 'string' ? info.version : ''}`;
  const map = registry();
  let names = map.get(key);
  if (names === undefined) {
    if (map.size >= MAX_SERVERS) return fresh(key);
    names = fresh(key);
    map.set(key, names);
  } else {
    for (const n of initial) names.tools.add(n);
  }
  return names;
}

/** Adds the names of a `tools/list` or `prompts/list` result's items to `into`. */
export function learnNames(into: BoundedValues, list: unknown): void {
  if (!Array.isArray(list)) return;
  for (const item of list) into.add((item as { name?: unknown } | null)?.name);
}
