import type { MeterProvider, Tracer } from '@opentelemetry/api';
import { BoundedValues, OTHER, semconv } from '@mcpmeter/core';
import { WireInstruments } from './instruments.js';
import { KNOWN_PROTOCOL_VERSIONS } from './names.js';
import type { Diagnostics } from '../diagnostics.js';

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
