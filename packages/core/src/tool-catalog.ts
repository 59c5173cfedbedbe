import { createHash } from 'node:crypto';
import type { Counter, Meter, ObservableResult } from '@opentelemetry/api';
import { AttributeSetCache } from './attribute-cache.js';
import { OTHER } from './bounded.js';
import { ATTR_GEN_AI_TOOL_NAME, ATTR_SERVER_ADDRESS } from './semconv.js';

/*
 * The tool catalog a server announces (issue 21): every conversation that uses
 * the server pays for it in context, and a tool whose description or schema
 * changes after a client looked at it is the shape of a rug pull / tool
 * poisoning. Fingerprints are computed when a catalog is listed, never per call.
 * One definition for the in-process instrumentation (@mcpmeter/instrumentation-mcp,
 * server and client side) and the wire (mcpmeter wrap / proxy), so they cannot drift.
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

/** Fingerprint of a tool's definition, first 12 hex digits of SHA-256 (not in semconv). */
export const ATTR_MCP_TOOL_HASH = 'mcp.tool.hash';
/** `added`, `removed` or `changed` (not in semconv). */
export const ATTR_MCP_TOOL_CHANGE_KIND = 'mcp.tool.change.kind';

/** Distinct catalogs (servers) published per side; later ones are not observed. */
const MAX_CATALOGS = 64;
/** Former (tool, hash) series reported as 0 per catalog. */
const MAX_RETIRED = 256;

interface Published {
  snapshot: CatalogSnapshot;
  /**
   * Info series of definitions no longer announced. The SDK keeps reporting an
   * observable's last value for attributes it stopped observing (cumulative
   * temporality), so a replaced hash is observed as 0 rather than left at 1.
   */
  retired: Map<string, readonly [string, string]>;
  serverAddress: string | undefined;
  /** Bounded label of a tool name, `_OTHER` when the allow-list is full. */
  label: (name: string) => string;
}

/**
 * The tool-catalog instruments of one side on one Meter: info (one series per
 * tool with its fingerprint), size, estimated tokens and changes at run time.
 * `side` is `server` (what this process announces, or a server `mcpmeter wrap` /
 * `proxy` observes) or `client` (what a server this process talks to announced),
 * giving `mcp.server.tool.catalog.*` / `mcp.client.tool.catalog.*`.
 */
export class ToolCatalogInstruments {
  private readonly changes: Counter;
  /** Keys: change kind, tool, server.address. */
  private readonly changeAttrs = new AttributeSetCache([
    ATTR_MCP_TOOL_CHANGE_KIND,
    ATTR_GEN_AI_TOOL_NAME,
    ATTR_SERVER_ADDRESS,
  ]);
  /** Keys: tool, hash, server.address. */
  private readonly infoAttrs = new AttributeSetCache([
    ATTR_GEN_AI_TOOL_NAME,
    ATTR_MCP_TOOL_HASH,
    ATTR_SERVER_ADDRESS,
  ]);
  private readonly addressAttrs = new AttributeSetCache([ATTR_SERVER_ADDRESS]);
  private readonly published = new Map<string, Published>();

  constructor(meter: Meter, side: 'server' | 'client') {
    const p = `mcp.${side}.tool`;
    const whose = side === 'server' ? 'this server announces' : 'a server announced to this client';
    this.changes = meter.createCounter(`${p}.catalog.changes`, {
      description: `Tools added, removed or changed in the catalog ${whose}, after its first listing (not in semconv).`,
      unit: '{change}',
    });
    meter
      .createObservableGauge(`${p}.catalog.info`, {
        description: `One per tool in the catalog ${whose}, with a fingerprint of its definition (not in semconv).`,
      })
      .addCallback((result: ObservableResult) => {
        for (const pub of this.published.values()) {
          for (const [label, hash] of pub.retired.values()) {
            result.observe(0, this.infoAttrs.get(label, hash, pub.serverAddress));
          }
          for (const [name, hash] of pub.snapshot.hashes) {
            const label = pub.label(name);
            if (label === OTHER) continue;
            result.observe(1, this.infoAttrs.get(label, shortHash(hash), pub.serverAddress));
          }
        }
      });
    meter
      .createObservableGauge(`${p}.catalog.size`, {
        description: `Bytes of the tool catalog ${whose} (JSON of tools/list) (not in semconv).`,
        unit: 'By',
      })
      .addCallback((result: ObservableResult) => {
        for (const pub of this.published.values()) {
          result.observe(pub.snapshot.bytes, this.addressAttrs.get(pub.serverAddress));
        }
      });
    meter
      .createObservableGauge(`${p}.catalog.tokens`, {
        description: `Estimated tokens of the tool catalog ${whose}: context it costs every conversation (bytes / 4) (not in semconv).`,
        unit: '{token}',
      })
      .addCallback((result: ObservableResult) => {
        for (const pub of this.published.values()) {
          result.observe(pub.snapshot.tokens, this.addressAttrs.get(pub.serverAddress));
        }
      });
  }

  /** The latest complete listing of the catalog identified by `key`. */
  publish(
    key: string,
    serverAddress: string | undefined,
    snapshot: CatalogSnapshot,
    label: (name: string) => string,
  ): void {
    const previous = this.published.get(key);
    if (previous === undefined && this.published.size >= MAX_CATALOGS) return;
    const retired = previous?.retired ?? new Map<string, readonly [string, string]>();
    const current = new Set<string>();
    for (const [name, hash] of snapshot.hashes) current.add(`${name}\u0000${shortHash(hash)}`);
    for (const id of current) retired.delete(id);
    if (previous !== undefined) {
      for (const [name, hash] of previous.snapshot.hashes) {
        const label = previous.label(name);
        const id = `${name}\u0000${shortHash(hash)}`;
        if (label === OTHER || current.has(id) || retired.has(id)) continue;
        if (retired.size >= MAX_RETIRED) retired.delete(retired.keys().next().value as string);
        retired.set(id, [label, shortHash(hash)]);
      }
    }
    this.published.set(key, { snapshot, serverAddress, label, retired });
  }

  /**
   * A complete listing (no page asked, none returned) of the catalog `key`, whose
   * previous listing `state` holds: every tool added, removed or changed since then
   * is counted (nothing at the first listing, the baseline), and the listing is published.
   */
  listed(
    state: { snapshot: CatalogSnapshot | undefined },
    key: string,
    serverAddress: string | undefined,
    snapshot: CatalogSnapshot,
    label: (name: string) => string,
  ): void {
    const before = state.snapshot;
    state.snapshot = snapshot;
    if (before !== undefined) {
      for (const change of diffCatalogs(before, snapshot)) {
        this.changed(change.kind, label(change.name), serverAddress);
      }
    }
    this.publish(key, serverAddress, snapshot, label);
  }

  changed(kind: CatalogChangeKind, tool: string, serverAddress: string | undefined): void {
    this.changes.add(1, this.changeAttrs.get(kind, tool, serverAddress));
  }
}
