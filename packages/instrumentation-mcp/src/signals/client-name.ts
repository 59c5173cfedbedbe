import { OTHER } from '@mcpmeter/core';

/*
 * `clientInfo.name` from `initialize` is chosen by the client, so as a label it
 * takes only the names of known hosts (issue 21), normalised to one value per
 * host; anything else is `_OTHER`. Matching is on the lower-cased name.
 */
const KNOWN_HOSTS: ReadonlyArray<readonly [RegExp, string]> = [
  [/^claude[- ]?code/, 'claude-code'],
  [/^(claude[- ]?(ai|desktop)?|anthropic)/, 'claude-ai'],
  [/^cursor/, 'cursor'],
  [/^(visual studio code|vscode|vs code|github copilot)/, 'visual-studio-code'],
  [/^windsurf/, 'windsurf'],
  [/^zed/, 'zed'],
  [/^cline/, 'cline'],
  [/^roo[- ]?code/, 'roo-code'],
  [/^continue/, 'continue'],
  [/^(mcp[- ]?inspector|inspector-client)/, 'mcp-inspector'],
  [/^goose/, 'goose'],
  [/^(chatgpt|openai)/, 'chatgpt'],
  [/^gemini[- ]?cli/, 'gemini-cli'],
  [/^codex/, 'codex'],
  [/^jetbrains/, 'jetbrains'],
  [/^librechat/, 'librechat'],
  [/^(ai-sdk|vercel)/, 'ai-sdk'],
];

/** The bounded `mcp.client.name` of a `clientInfo.name`: a known host, `_OTHER`, or undefined when absent. */
export function clientNameLabel(name: unknown): string | undefined {
  if (typeof name !== 'string' || name.length === 0) return undefined;
  const lower = name.slice(0, 64).toLowerCase();
  for (const [pattern, label] of KNOWN_HOSTS) if (pattern.test(lower)) return label;
  return OTHER;
}

/** The values `mcp.client.name` can take. */
export const CLIENT_NAME_VALUES: readonly string[] = [
  ...new Set(KNOWN_HOSTS.map(([, label]) => label)),
  OTHER,
];
