import type { Counter, Meter, ObservableResult } from '@opentelemetry/api';
import { AttributeSetCache, OTHER, semconv } from '@mcpmeter/core';
import { instrumentsFor } from '../shared-instruments.js';
import { shortHash, type CatalogChangeKind, type CatalogSnapshot } from './catalog.js';

/** Fingerprint of a tool's definition, first 12 hex digits of SHA-256 (not in semconv). */
export const ATTR_MCP_TOOL_HASH = 'mcp.tool.hash';
/** `added`, `removed` or `changed` (not in semconv). */
export const ATTR_MCP_TOOL_CHANGE_KIND = 'mcp.tool.change.kind';
/** The MCP client's `clientInfo.name`, bounded to known hosts + `_OTHER` (not in semconv). */
export const ATTR_MCP_CLIENT_NAME = 'mcp.client.name';

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
 * The issue-21 signals of one side on one Meter: the tool catalog (info, size,
 * estimated tokens, changes at run time) and repeated identical tool calls.
 * `side` is `server` (what this process announces) or `client` (what a server
 * it talks to announced), giving `mcp.server.tool.*` / `mcp.client.tool.*`.
 */
export class SignalInstruments {
  readonly changes: Counter;
  readonly repeats: Counter;
  /** Keys: change kind, tool, server.address. */
  private readonly changeAttrs = new AttributeSetCache([
    ATTR_MCP_TOOL_CHANGE_KIND,
    semconv.ATTR_GEN_AI_TOOL_NAME,
    semconv.ATTR_SERVER_ADDRESS,
  ]);
  /** Keys: tool, client name, server.address. */
  private readonly repeatAttrs = new AttributeSetCache([
    semconv.ATTR_GEN_AI_TOOL_NAME,
    ATTR_MCP_CLIENT_NAME,
    semconv.ATTR_SERVER_ADDRESS,
  ]);
  /** Keys: tool, hash, server.address. */
  private readonly infoAttrs = new AttributeSetCache([
    semconv.ATTR_GEN_AI_TOOL_NAME,
    ATTR_MCP_TOOL_HASH,
    semconv.ATTR_SERVER_ADDRESS,
  ]);
  private readonly addressAttrs = new AttributeSetCache([semconv.ATTR_SERVER_ADDRESS]);
  private readonly published = new Map<string, Published>();

  constructor(meter: Meter, side: 'server' | 'client') {
    const p = `mcp.${side}.tool`;
    const whose = side === 'server' ? 'this server announces' : 'a server announced to this client';
    this.changes = meter.createCounter(`${p}.catalog.changes`, {
      description: `Tools added, removed or changed in the catalog ${whose}, after its first listing (not in semconv).`,
      unit: '{change}',
    });
    this.repeats = meter.createCounter(`${p}.call.repeats`, {
      description:
        'Tool calls identical (same tool, same arguments) to an earlier call of the same session (not in semconv).',
      unit: '{call}',
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

  changed(kind: CatalogChangeKind, tool: string, serverAddress: string | undefined): void {
    this.changes.add(1, this.changeAttrs.get(kind, tool, serverAddress));
  }

  repeated(tool: string, clientName: string | undefined, serverAddress: string | undefined): void {
    this.repeats.add(1, this.repeatAttrs.get(tool, clientName, serverAddress));
  }

  static for(meter: Meter, side: 'server' | 'client'): SignalInstruments {
    return instrumentsFor(
      `mcpmeter.instrumentation-mcp.signal-instruments.${side}.v1`,
      meter,
      (m) => new SignalInstruments(m, side),
    );
  }
}
