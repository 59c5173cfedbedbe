import { snapshotOf, type BoundedValues } from '@mcpmeter/core';
import { learnNames, type SharedCatalog } from '../tool-names.js';
import { clientNameLabel } from './client-name.js';
import type { SignalInstruments } from './instruments.js';
import { RepeatDetector } from './repeats.js';

interface RequestParams {
  name?: unknown;
  arguments?: unknown;
  cursor?: unknown;
  clientInfo?: { name?: unknown };
}

/**
 * The issue-21 signals of one session, fed by a protocol state (server side:
 * what it answers; client side: what it receives): the tool catalog from
 * complete `tools/list` results, repeated identical `tools/call`s, and the
 * client's bounded name from `initialize`.
 */
export class SessionSignals {
  /** Bounded `mcp.client.name` of the session's `initialize`. */
  clientName: string | undefined;
  private readonly repeats = new RepeatDetector();
  /** `tools/list` requests in flight that asked for a page after the first: not a whole catalog. */
  private readonly pagedLists = new Set<unknown>();
  private readonly ownCatalog: boolean;

  /** The catalog shared with other instances of the same server, or one of its own. */
  readonly catalog: SharedCatalog;

  constructor(
    private readonly instruments: () => SignalInstruments,
    private readonly tools: BoundedValues,
    catalog?: SharedCatalog,
    private readonly serverAddress?: () => string | undefined,
  ) {
    this.ownCatalog = catalog === undefined;
    this.catalog = catalog ?? { key: '', snapshot: undefined };
  }

  /**
   * The client side's `initialize` result: a new session with a server, whose
   * catalog is compared from its first listing on (a change after the session
   * started is what a rug pull looks like). The server's name and address tell
   * its published catalog from other servers' (never a label).
   */
  onInitialized(serverInfo: unknown, serverAddress: string | undefined): void {
    if (!this.ownCatalog) return;
    const name = (serverInfo as { name?: unknown } | null | undefined)?.name;
    this.catalog.key = `${serverAddress ?? ''}\u0000${typeof name === 'string' ? name.slice(0, 128) : ''}`;
    this.catalog.snapshot = undefined;
  }

  /** A request starts; `tool` is the bounded label of a `tools/call`. */
  onRequest(method: string, id: unknown, request: unknown, tool: string | undefined): void {
    const params = request as RequestParams | undefined;
    if (tool !== undefined) {
      if (this.repeats.isRepeat(String(params?.name), params?.arguments)) {
        this.instruments().repeated(tool, this.clientName, this.serverAddress?.());
      }
    } else if (method === 'tools/list') {
      if (params?.cursor !== undefined) this.pagedLists.add(id);
    } else if (method === 'initialize') {
      // A new session: calls and pages of the previous one are forgotten.
      this.clientName = clientNameLabel(params?.clientInfo?.name);
      this.repeats.clear();
      this.pagedLists.clear();
    }
  }

  /**
   * The `tools/list` request `id` was answered with `result`: its names join the
   * allow-list of tool labels. A complete listing
   * (no cursor asked, none returned) is published, and what changed since the
   * previous one of this catalog is counted.
   */
  onToolsList(id: unknown, answer: unknown): void {
    const result = answer as { tools?: unknown; nextCursor?: unknown } | null | undefined;
    learnNames(this.tools, result?.tools);
    if (this.pagedLists.delete(id) || result?.nextCursor !== undefined) return;
    const snapshot = snapshotOf(result?.tools);
    if (snapshot === undefined) return;
    this.instruments().catalog.listed(
      this.catalog,
      this.catalog.key,
      this.serverAddress?.(),
      snapshot,
      (name) => this.tools.get(name),
    );
  }
}
