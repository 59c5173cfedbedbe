// The one writer of docs/benchmarks.md for every bench script: replaces the section whose
// heading line is exactly `## <heading>` where it stands (or appends it), formatted as the
// repository's `prettier --check` wants it.
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const FILE = join(dirname(fileURLToPath(import.meta.url)), '..', 'docs/benchmarks.md');

/** Writes `raw` (Markdown starting with `## <heading>`) into docs/benchmarks.md; returns the file. */
export async function writeSection(heading, raw) {
  const prettier = await import('prettier');
  const config = (await prettier.resolveConfig(FILE)) ?? {};
  const markdown = (await prettier.format(raw, { ...config, parser: 'markdown' })).trim();
  let doc = existsSync(FILE) ? readFileSync(FILE, 'utf8') : '# Benchmarks\n';
  // the exact heading line: `## MCP server` must not match `## MCP server over Streamable HTTP`
  const start = doc.indexOf(`\n## ${heading}\n`);
  if (start === -1) {
    doc = `${doc.trimEnd()}\n\n${markdown}\n`;
  } else {
    const next = doc.indexOf('\n## ', start + 1);
    doc = `${doc.slice(0, start)}\n${markdown}\n${next === -1 ? '' : doc.slice(next)}`;
  }
  writeFileSync(FILE, doc);
  return FILE;
}
