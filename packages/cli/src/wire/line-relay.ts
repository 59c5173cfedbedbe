import { JsonScanner, type WireMessage } from './json-scanner.js';

/** One message of a line; `rewritable` when its bytes have not left yet (see {@link LineRelay}). */
export type MessageHandler = (message: WireMessage, rewritable: boolean) => string | undefined;

/** How a line ended, for counting malformed ones. */
export type LineHandler = (result: 'ok' | 'malformed', head: Buffer) => void;

export interface LineRelayOptions {
  /**
   * Hold each line until its newline (up to `maxHeld` bytes), so that a
   * message's `traceparent` can be rewritten before it leaves. Without it every
   * byte is passed on as soon as it arrives.
   */
  hold: boolean;
  /** Longest line held; a longer one streams through unchanged. @default 1 MiB */
  maxHeld?: number;
  onMessage: MessageHandler;
  onLine: LineHandler;
}

const NL = 0x0a;
const HEAD = 120;

/**
 * Newline-delimited JSON-RPC in one direction (the MCP stdio transport):
 * observes every message, and returns the bytes to pass on — the same bytes,
 * except a rewritten `traceparent` value in a held line. Partial lines, batches
 * and lines of any size pass through; memory stays bounded by `maxHeld`.
 */
export class LineRelay {
  private scanner: JsonScanner;
  private current: WireMessage[] = [];
  /** Bytes of the current line seen so far (held or not). */
  private lineLength = 0;
  private held: Buffer[] = [];
  private streaming: boolean;
  private head: Buffer[] = [];
  private headLength = 0;
  private readonly maxHeld: number;

  constructor(private readonly options: LineRelayOptions) {
    this.maxHeld = options.maxHeld ?? 1 << 20;
    this.streaming = !options.hold;
    this.scanner = this.newScanner();
  }

  /** Observes `chunk`; returns what to write on (possibly nothing yet). */
  push(chunk: Buffer): Buffer[] {
    const out: Buffer[] = [];
    let pos = 0;
    while (pos < chunk.length) {
      const nl = chunk.indexOf(NL, pos);
      const end = nl === -1 ? chunk.length : nl;
      this.take(chunk, pos, end, out);
      if (nl === -1) break;
      this.endLine(chunk.subarray(nl, nl + 1), out);
      pos = nl + 1;
    }
    return out;
  }

  /** The input ended: a last line without its newline is passed on too. */
  end(): Buffer[] {
    const out: Buffer[] = [];
    if (this.lineLength > 0) this.endLine(undefined, out);
    return out;
  }

  /** The bytes held so far, handed back unobserved (after a failure of ours). */
  drain(): Buffer[] {
    const held = this.held;
    this.held = [];
    return held;
  }

  private newScanner(): JsonScanner {
    return new JsonScanner((m) => this.current.push(m));
  }

  private take(chunk: Buffer, from: number, to: number, out: Buffer[]): void {
    if (from === to) return;
    const part = chunk.subarray(from, to);
    if (this.headLength < HEAD) {
      this.head.push(part.subarray(0, HEAD - this.headLength));
      this.headLength += Math.min(part.length, HEAD - this.headLength);
    }
    if (this.streaming) {
      this.scanner.feed(part, 0, part.length, this.lineLength);
      this.lineLength += part.length;
      this.flushMessages(false);
      out.push(part);
      return;
    }
    this.held.push(part);
    this.lineLength += part.length;
    if (this.lineLength > this.maxHeld) {
      // Too long to hold: from here on the line streams through untouched.
      this.streaming = true;
      let offset = 0;
      for (const p of this.held) {
        this.scanner.feed(p, 0, p.length, offset);
        offset += p.length;
        out.push(p);
      }
      this.held = [];
      this.flushMessages(false);
    }
  }

  private endLine(newline: Buffer | undefined, out: Buffer[]): void {
    if (!this.streaming) {
      const line = this.held.length === 1 ? this.held[0]! : Buffer.concat(this.held);
      this.held = [];
      this.scanner.feed(line, 0, line.length, 0);
      const result = this.scanner.finish();
      out.push(this.rewrite(line, result));
      this.report(result);
    } else {
      this.report(this.scanner.finish());
    }
    if (newline !== undefined) out.push(newline);
    this.lineLength = 0;
    this.head = [];
    this.headLength = 0;
    this.current = [];
    this.streaming = !this.options.hold;
    this.scanner = this.newScanner();
  }

  private report(result: 'ok' | 'empty' | 'malformed'): void {
    if (result === 'empty') return;
    if (result === 'ok') this.flushMessages(false);
    else this.current = [];
    this.options.onLine(result, Buffer.concat(this.head));
  }

  private flushMessages(rewritable: boolean): void {
    for (const m of this.current) this.options.onMessage(m, rewritable);
    this.current = [];
  }

  /** The held line, with each message's `traceparent` replaced where the handler asks. */
  private rewrite(line: Buffer, result: 'ok' | 'empty' | 'malformed'): Buffer {
    if (result !== 'ok') return line;
    const messages = this.current;
    this.current = [];
    let edits: [number, number, string][] | undefined;
    for (const m of messages) {
      const replacement = this.options.onMessage(m, true);
      if (replacement !== undefined && m.traceparentStart >= 0) {
        (edits ??= []).push([m.traceparentStart, m.traceparentEnd, replacement]);
      }
    }
    if (edits === undefined) return line;
    return applyEdits(line, edits);
  }
}

/** `bytes` with each `[start, end)` range replaced by its text (ranges in order, not overlapping). */
export function applyEdits(bytes: Buffer, edits: [number, number, string][]): Buffer {
  if (edits.length === 1 && edits[0]![1] - edits[0]![0] === Buffer.byteLength(edits[0]![2])) {
    // The usual case: a version-00 traceparent replaced by one of the same length.
    const copy = Buffer.from(bytes);
    copy.write(edits[0]![2], edits[0]![0], 'latin1');
    return copy;
  }
  const parts: Buffer[] = [];
  let pos = 0;
  for (const [start, end, text] of edits) {
    parts.push(bytes.subarray(pos, start), Buffer.from(text, 'utf8'));
    pos = end;
  }
  parts.push(bytes.subarray(pos));
  return Buffer.concat(parts);
}
