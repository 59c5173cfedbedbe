import { readFileSync, statSync } from 'node:fs';
import { warnOnce } from '@mcpmeter/core';

/*
 * Zero-code instrumentation patches packages as Node loads them from
 * node_modules. A bundler (esbuild, tsup, webpack, Next.js) copies their code
 * into the app's own file, so nothing loads and nothing is patched: the app
 * serves /metrics with runtime metrics only and looks healthy (issue 17).
 * Invariant 6 (never silently incomplete): look at the entry file once, for the
 * traces a bundler leaves of an MCP package, and say so in one line.
 */

/** Module paths bundlers write in their output (esbuild region comments, webpack module ids). */
const PATHS: ReadonlyArray<readonly [RegExp, string]> = [
  [/node_modules\/@modelcontextprotocol\/sdk\/dist\//, '@modelcontextprotocol/sdk'],
  [/node_modules\/@modelcontextprotocol\/server\/dist\//, '@modelcontextprotocol/server'],
  [/node_modules\/@modelcontextprotocol\/client\/dist\//, '@modelcontextprotocol/client'],
  [/node_modules\/@ai-sdk\/mcp\/dist\//, '@ai-sdk/mcp'],
  [/node_modules\/fastmcp\/dist\//, 'fastmcp'],
  [/node_modules\/mcp-handler\/dist\//, 'mcp-handler'],
];
/** What survives minification (property names and strings), when no path comment is left. */
const MINIFIED: ReadonlyArray<readonly [RegExp, string]> = [
  [
    /_requestHandlerAbortControllers\s*=\s*new Map/,
    'the MCP SDK (@modelcontextprotocol/sdk or /server, /client)',
  ],
  [/["']ai-sdk-mcp-client["']/, '@ai-sdk/mcp'],
];
const MAX_BYTES = 64 * 1024 * 1024;
export const BUNDLE_DOCS = 'docs/mcp-server.md#bundled-apps';

/** The MCP packages bundled into `text` (the contents of a script). */
export function bundledMcpPackages(text: string): string[] {
  const found = PATHS.filter(([re]) => re.test(text)).map(([, name]) => name);
  if (found.length > 0) return found;
  return [...new Set(MINIFIED.filter(([re]) => re.test(text)).map(([, name]) => name))];
}

/** A value from outside (a path) for a diagnostic line: quoted, escaped, cut. */
function quote(value: string): string {
  return JSON.stringify(value.length > 200 ? `${value.slice(0, 200)}…` : value);
}

/**
 * Reads the entry script (`process.argv[1]`) and warns once when it bundles
 * MCP packages that were not patched. `patched` names the packages seen
 * loading from node_modules (those need no warning).
 */
export function checkEntryBundle(patched: ReadonlySet<string>, entry = process.argv[1]): void {
  try {
    if (typeof entry !== 'string' || !/\.(c|m)?js$/.test(entry)) return;
    const size = statSync(entry).size;
    if (size > MAX_BYTES) return;
    const names = bundledMcpPackages(readFileSync(entry, 'utf8')).filter((n) => !patched.has(n));
    if (names.length === 0) return;
    warnOnce(
      'mcp-bundled',
      `mcpmeter: ${quote(entry)} bundles ${names.join(', ')}; zero-code instrumentation patches ` +
        'packages as they load from node_modules and cannot patch bundled code, so MCP requests ' +
        'of this app record no spans or metrics. Mark these packages external in the bundler, or ' +
        `call instrumentMcpServer() / instrumentMcpClient(): see ${BUNDLE_DOCS}`,
    );
  } catch {
    // unreadable entry: nothing to tell
  }
}
