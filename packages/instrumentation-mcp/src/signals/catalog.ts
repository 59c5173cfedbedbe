import { createHash } from 'node:crypto';

/*
 * The tool catalog a server announces (issue 21): every conversation that uses
 * the server pays for it in context, and a tool whose description or schema
 * changes after a client looked at it is the shape of a rug pull / tool
 * poisoning. Fingerprints are computed when a catalog is listed, never per call.
 */

/** Characters of the fingerprint used as a label value (48 bits of SHA-256). */
const SHORT_HASH = 12;
/** Rough bytes per token of JSON schemas and English prose for an estimate (no tokenizer is loaded). */
const BYTES_PER_TOKEN = 4;
/** Tools fingerprinted per listing; a hostile peer announcing more gets the rest ignored. */
export const MAX_CATALOG_TOOLS = 1000;

/** One listing's fingerprints and size. */
export interface CatalogSnapshot {
  /** Tool name → full SHA-256 (hex) of its name, title, description and schemas. */
  readonly hashes: ReadonlyMap<string, string>;
  /** UTF-8 bytes of the `tools` array as announced (JSON). */
  readonly bytes: number;
  /** Estimated tokens of those bytes. */
  readonly tokens: number;
}

export type CatalogChangeKind = 'added' | 'removed' | 'changed';

export interface CatalogChange {
  readonly kind: CatalogChangeKind;
  readonly name: string;
}

/** JSON with object keys sorted, so two equal schemas hash the same whatever their key order. */
function canonical(value: unknown): string {
  if (value === null || typeof value !== 'object') return JSON.stringify(value) ?? 'null';
  if (Array.isArray(value)) return `[${value.map(canonical).join(',')}]`;
  const obj = value as Record<string, unknown>;
  const keys = Object.keys(obj)
    .filter((k) => obj[k] !== undefined)
    .sort();
  return `{${keys.map((k) => `${JSON.stringify(k)}:${canonical(obj[k])}`).join(',')}}`;
}

/** Arguments of a call as canonical JSON (key order does not matter). */
export function canonicalArguments(args: unknown): string {
  try {
    return canonical(args);
  } catch {
    return '';
  }
}

/** The part of a tool definition that reaches the model: what a change would poison. */
export function toolFingerprint(tool: Record<string, unknown>): string {
  const text = canonical({
    name: tool.name,
    title: tool.title,
    description: tool.description,
    inputSchema: tool.inputSchema,
    outputSchema: tool.outputSchema,
  });
  return createHash('sha256').update(text).digest('hex');
}

/** The label value of a fingerprint. */
export function shortHash(hash: string): string {
  return hash.slice(0, SHORT_HASH);
}

/** Fingerprints and size of a `tools/list` result's `tools`, or undefined when it is not a list. */
export function snapshotOf(tools: unknown): CatalogSnapshot | undefined {
  if (!Array.isArray(tools)) return undefined;
  const hashes = new Map<string, string>();
  for (const tool of tools) {
    if (hashes.size >= MAX_CATALOG_TOOLS) break;
    if (tool === null || typeof tool !== 'object') continue;
    const name = (tool as { name?: unknown }).name;
    if (typeof name !== 'string') continue;
    hashes.set(name, toolFingerprint(tool as Record<string, unknown>));
  }
  let bytes = 0;
  try {
    bytes = Buffer.byteLength(JSON.stringify(tools));
  } catch {
    bytes = 0;
  }
  return { hashes, bytes, tokens: Math.ceil(bytes / BYTES_PER_TOKEN) };
}

/**
 * What changed from `before` to `after`. A paginated listing shows part of the
 * catalog: only a listing without `nextCursor` is compared (see callers).
 */
export function diffCatalogs(before: CatalogSnapshot, after: CatalogSnapshot): CatalogChange[] {
  const changes: CatalogChange[] = [];
  for (const [name, hash] of after.hashes) {
    const old = before.hashes.get(name);
    if (old === undefined) changes.push({ kind: 'added', name });
    else if (old !== hash) changes.push({ kind: 'changed', name });
  }
  for (const name of before.hashes.keys()) {
    if (!after.hashes.has(name)) changes.push({ kind: 'removed', name });
  }
  return changes;
}
