import type { Counter, Meter } from '@opentelemetry/api';
import {
  AttributeSetCache,
  ToolCatalogInstruments,
  semconv,
  type CatalogChangeKind,
  type CatalogSnapshot,
} from '@mcpmeter/core';
import { instrumentsFor } from '../shared-instruments.js';

export { ATTR_MCP_TOOL_CHANGE_KIND, ATTR_MCP_TOOL_HASH } from '@mcpmeter/core';
/** The MCP client's `clientInfo.name`, bounded to known hosts + `_OTHER` (not in semconv). */
export const ATTR_MCP_CLIENT_NAME = 'mcp.client.name';

/**
 * The issue-21 signals of one side on one Meter: the tool catalog (info, size,
 * estimated tokens, changes at run time; defined in @mcpmeter/core, shared with
 * mcpmeter wrap / proxy) and repeated identical tool calls. `side` is `server`
 * (what this process announces) or `client` (what a server it talks to
 * announced), giving `mcp.server.tool.*` / `mcp.client.tool.*`.
 */
export class SignalInstruments {
  readonly catalog: ToolCatalogInstruments;
  readonly repeats: Counter;
  /** Keys: tool, client name, server.address. */
  private readonly repeatAttrs = new AttributeSetCache([
    semconv.ATTR_GEN_AI_TOOL_NAME,
    ATTR_MCP_CLIENT_NAME,
    semconv.ATTR_SERVER_ADDRESS,
  ]);

  constructor(meter: Meter, side: 'server' | 'client') {
    this.catalog = new ToolCatalogInstruments(meter, side);
    this.repeats = meter.createCounter(`mcp.${side}.tool.call.repeats`, {
      description:
        'Tool calls identical (same tool, same arguments) to an earlier call of the same session (not in semconv).',
      unit: '{call}',
    });
  }

  /** The latest complete listing of the catalog identified by `key`. */
  publish(
    key: string,
    serverAddress: string | undefined,
    snapshot: CatalogSnapshot,
    label: (name: string) => string,
  ): void {
    this.catalog.publish(key, serverAddress, snapshot, label);
  }

  changed(kind: CatalogChangeKind, tool: string, serverAddress: string | undefined): void {
    this.catalog.changed(kind, tool, serverAddress);
  }

  repeated(tool: string, clientName: string | undefined, serverAddress: string | undefined): void {
    this.repeats.add(1, this.repeatAttrs.get(tool, clientName, serverAddress));
  }

  static for(meter: Meter, side: 'server' | 'client'): SignalInstruments {
    return instrumentsFor(
      `mcpmeter.instrumentation-mcp.signal-instruments.${side}.v2`,
      meter,
      (m) => new SignalInstruments(m, side),
    );
  }
}
