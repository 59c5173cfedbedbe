import type { MeterProvider, Tracer } from '@opentelemetry/api';
import { BoundedValues, OTHER, semconv, snapshotOf, type CatalogSnapshot } from '@mcpmeter/core';
import { WireInstruments } from './instruments.js';
import { KNOWN_PROTOCOL_VERSIONS } from './names.js';
import type { Diagnostics } from '../diagnostics.js';
import { MAX_TOOLS_BYTES, type WireMessage } from '../wire/wire-message.js';

const SPEC_METHODS: ReadonlySet<string> = new Set(semconv.MCP_METHOD_NAMES);

/**
 * What every session of one observed server shares: the instruments, the
 * tracer, and the bounded label values. Tool and prompt labels take only the
 * names the server itself announced in its `tools/list` / `prompts/list`
 * results (a client cannot add one), anything else is `_OTHER`.
 */
export class WireTelemetry {
  readonly instruments: WireInstruments;
  readonly tools = new BoundedValues();
  readonly prompts = new BoundedValues();
  readonly versions = new BoundedValues(KNOWN_PROTOCOL_VERSIONS, {
    maxValues: 32,
    maxLength: 32,
  });
  /** The server's catalog at its latest complete `tools/list` answer (any session). */
  readonly catalog: { snapshot: CatalogSnapshot | undefined } = { snapshot: undefined };

  constructor(
    meterProvider: MeterProvider,
    readonly tracer: Tracer,
    /** `network.transport`: `pipe` (stdio) or `tcp` (HTTP). */
    readonly transport: 'pipe' | 'tcp',
    readonly diagnostics: Diagnostics,
  ) {
    this.instruments = new WireInstruments(meterProvider, transport);
  }

  method(raw: string | undefined): string {
    return raw !== undefined && SPEC_METHODS.has(raw) ? raw : OTHER;
  }

  /**
   * The answer to a `tools/list` that asked for the first page. A complete one (no
   * `nextCursor`) is the server's catalog: its tools are fingerprinted and what changed
   * since the previous one is counted, as the in-process instrumentation does.
   */
  toolsListed(m: WireMessage): void {
    if (m.nextCursor) return;
    if (m.toolsTooLarge) {
      this.diagnostics.once(
        'catalog-too-large',
        `a tools/list answer is over ${MAX_TOOLS_BYTES / 1024 / 1024} MB; passed through, but the tool catalog series are not updated from answers that large`,
      );
      return;
    }
    if (m.tools === undefined) return;
    let tools: unknown;
    try {
      tools = JSON.parse(m.tools.toString('utf8'));
    } catch {
      return;
    }
    const snapshot = snapshotOf(tools);
    if (snapshot === undefined) return;
    this.instruments.catalog.listed(this.catalog, '', undefined, snapshot, (name) =>
      this.tools.get(name),
    );
  }

  /** A line or event that is not JSON-RPC: counted, and said once per direction. */
  malformed(direction: 'receive' | 'transmit', head: Buffer | undefined): void {
    this.instruments.malformed(direction);
    const from = direction === 'receive' ? 'the client' : 'the server';
    this.diagnostics.once(
      `malformed-${direction}`,
      `a message from ${from} is not JSON-RPC${head ? ` (starts ${this.diagnostics.quote(head.toString('utf8'))})` : ''}; passed through unchanged, further ones are counted in mcp_wire_malformed_messages_total`,
    );
  }
}
