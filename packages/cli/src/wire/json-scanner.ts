/*
 * An incremental JSON scanner that reads a JSON-RPC message (or a batch) as
 * its bytes pass by and keeps only the few small fields telemetry needs: id,
 * method, error code, isError, the tool/prompt names of list results, the
 * trace context in params._meta (with the byte offsets of `traceparent`, so
 * that it can be rewritten in place). Memory is O(nesting depth), whatever the
 * size of the message: a 100 MB tool result is never held (issue 18, item 5).
 * The one exception is bounded: the `result.tools` array of a `tools/list`
 * answer (the tool catalog, issue 21) is kept up to `MAX_TOOLS_BYTES`.
 */

import { ToolsBytes } from './tools-bytes.js';
import { Field, fieldAt, newMessage, setString, type WireMessage } from './wire-message.js';

export type { WireMessage } from './wire-message.js';

const MAX_KEY = 64;
const MAX_VALUE = 2048;

const enum S {
  Value,
  KeyOrEnd,
  Key,
  Colon,
  After,
  Str,
  StrEsc,
  StrHex,
  Token,
  Done,
  Failed,
}

interface Frame {
  array: boolean;
  key: string | undefined;
}

const isWs = (c: number) => c === 0x20 || c === 0x0a || c === 0x0d || c === 0x09;
const isTokenChar = (c: number) =>
  (c >= 0x30 && c <= 0x39) ||
  (c >= 0x61 && c <= 0x7a) ||
  c === 0x2d ||
  c === 0x2b ||
  c === 0x2e ||
  c === 0x45;

/**
 * Feed it the bytes of one JSON value (a message or a batch), in any number of
 * chunks, then call `finish()`. Messages are reported as each one closes.
 */
export class JsonScanner {
  private state = S.Value;
  private readonly stack: Frame[] = [];
  private message: WireMessage | undefined;
  /** Depth of the message root in `stack` (0: a single message, 1: inside a batch). */
  private rootDepth = 0;
  private strIsKey = false;
  private field: Field = Field.None;
  private capture: number[] | undefined;
  private captureTooLong = false;
  private captureStart = 0;
  private hexLeft = 0;
  private hasEscape = false;
  private pendingKey: string | undefined;
  private messages = 0;
  private bad = false;
  private peekEmptyArray = false;
  private readonly tools = new ToolsBytes();

  constructor(private readonly onMessage: (m: WireMessage) => void) {}

  /** Whether the bytes so far are not valid JSON (the rest is then ignored). */
  get failed(): boolean {
    return this.state === S.Failed;
  }

  /** Whether nothing but whitespace was fed. */
  get empty(): boolean {
    return this.state === S.Value && this.stack.length === 0 && this.messages === 0 && !this.bad;
  }

  /** Scans `buf[start, end)`; `offset` is the absolute position of `buf[0]`. */
  feed(buf: Uint8Array, start = 0, end = buf.length, offset = 0): void {
    this.tools.from = start;
    this.scan(buf, start, end, offset);
    if (this.tools.level >= 0) this.keepTools(buf, this.tools.from, end);
  }

  private scan(buf: Uint8Array, start: number, end: number, offset: number): void {
    let i = start;
    while (i < end) {
      const st = this.state;
      if (st === S.Failed) return;
      if (st === S.Str) {
        // Fast path through string content: most bytes of a big message are here.
        let j = i;
        const capture = this.capture;
        while (j < end) {
          const c = buf[j]!;
          if (c === 0x22 || c === 0x5c) break;
          j++;
        }
        if (capture !== undefined) this.take(buf, i, j);
        if (j === end) return;
        if (buf[j] === 0x5c) {
          this.hasEscape = true;
          if (capture !== undefined) this.take(buf, j, j + 1);
          this.state = S.StrEsc;
          i = j + 1;
          continue;
        }
        this.endString(offset + j);
        i = j + 1;
        continue;
      }
      const c = buf[i]!;
      switch (st) {
        case S.StrEsc:
          if (this.capture !== undefined) this.take(buf, i, i + 1);
          if (c === 0x75) {
            this.state = S.StrHex;
            this.hexLeft = 4;
          } else this.state = S.Str;
          i++;
          continue;
        case S.StrHex:
          if (this.capture !== undefined) this.take(buf, i, i + 1);
          if (--this.hexLeft === 0) this.state = S.Str;
          i++;
          continue;
        case S.Token:
          if (isTokenChar(c)) {
            if (this.capture !== undefined) this.take(buf, i, i + 1);
            i++;
            continue;
          }
          this.endToken();
          continue; // re-read c in the state after the value
        default:
          break;
      }
      i++;
      if (isWs(c)) continue;
      switch (st) {
        case S.Value:
          this.startValue(c, offset + i);
          break;
        case S.KeyOrEnd:
          if (c === 0x7d) this.close(false);
          else if (c === 0x22) this.startKey();
          else this.fail();
          break;
        case S.Key:
          if (c === 0x22) this.startKey();
          else this.fail();
          break;
        case S.Colon:
          if (c === 0x3a) this.state = S.Value;
          else this.fail();
          break;
        case S.After: {
          const top = this.stack[this.stack.length - 1];
          if (top === undefined) this.fail();
          else if (c === 0x2c) this.state = top.array ? S.Value : S.Key;
          else if (c === (top.array ? 0x5d : 0x7d)) this.close(top.array);
          else this.fail();
          break;
        }
        case S.Done:
          this.fail();
          break;
        default:
          this.fail();
      }
      if (this.tools.event !== 0) this.toolsAt(buf, i);
    }
  }

  /** The `result.tools` array opened (event 1) or closed (event 2) at `buf[i - 1]`. */
  private toolsAt(buf: Uint8Array, i: number): void {
    const t = this.tools;
    if (t.event === 1) {
      t.event = 0;
      t.from = i - 1;
    } else {
      if (this.keepTools(buf, t.from, i) && this.message !== undefined) {
        this.message.tools = t.take();
      }
      t.stop();
    }
  }

  private keepTools(buf: Uint8Array, from: number, to: number): boolean {
    if (this.tools.keep(buf, from, to)) return true;
    if (this.message !== undefined) this.message.toolsTooLarge = true;
    return false;
  }

  /**
   * Ends the value. Returns 'ok' for a complete message or batch, 'empty' for
   * whitespace only, 'malformed' otherwise (invalid or incomplete JSON, or a
   * batch element that is not an object).
   */
  finish(): 'ok' | 'empty' | 'malformed' {
    if (this.state === S.Token && this.stack.length === 0) this.endToken();
    if (this.empty) return 'empty';
    return this.state === S.Done && !this.bad ? 'ok' : 'malformed';
  }

  private fail(): void {
    this.state = S.Failed;
    this.message = undefined;
    this.capture = undefined;
    this.tools.stop();
  }

  private take(buf: Uint8Array, from: number, to: number): void {
    const capture = this.capture!;
    const room = (this.strIsKey ? MAX_KEY : MAX_VALUE) - capture.length;
    if (to - from > room) {
      this.captureTooLong = true;
      to = from + Math.max(0, room);
    }
    for (let k = from; k < to; k++) capture.push(buf[k]!);
  }

  private depth(): number {
    return this.stack.length - this.rootDepth;
  }

  private startKey(): void {
    this.state = S.Str;
    this.strIsKey = true;
    this.hasEscape = false;
    this.captureTooLong = false;
    // Keys matter only near the root: deeper ones are never captured.
    this.capture = this.message !== undefined && this.depth() <= 4 ? [] : undefined;
  }

  private startValue(c: number, after: number): void {
    const closesEmptyArray = this.peekEmptyArray;
    this.peekEmptyArray = false;
    if (this.stack.length === 0 && c !== 0x7b && c !== 0x5b) {
      // A bare scalar at the top level is valid JSON but no message.
      this.bad = true;
    }
    if (c === 0x7b || c === 0x5b) {
      const array = c === 0x5b;
      const n = this.stack.length;
      if (!array && this.message === undefined && (n === 0 || (n === 1 && this.stack[0]!.array))) {
        this.rootDepth = n;
        this.message = newMessage();
      } else if (this.stack.length === 1 && this.stack[0]!.array && array) {
        this.bad = true; // a batch inside a batch
      }
      this.noteContainer();
      if (array && this.isToolsArray()) {
        this.tools.level = this.stack.length;
        this.tools.event = 1;
      }
      this.stack.push({ array, key: undefined });
      this.state = array ? S.Value : S.KeyOrEnd;
      this.peekEmptyArray = array;
      return;
    }
    if (this.stack.length === 1 && this.stack[0]!.array) this.bad = true; // batch element not an object
    this.field = this.message !== undefined ? this.fieldHere() : Field.None;
    this.captureTooLong = false;
    this.hasEscape = false;
    this.capture = this.field !== Field.None ? [] : undefined;
    if (c === 0x22) {
      // Present whatever its length: a page is not the whole catalog.
      if (this.field === Field.Cursor) this.message!.cursor = true;
      else if (this.field === Field.NextCursor) this.message!.nextCursor = true;
      this.state = S.Str;
      this.strIsKey = false;
      this.captureStart = after;
      return;
    }
    if (isTokenChar(c)) {
      this.state = S.Token;
      // Tokens are short: always read, so that a bad literal or number is caught.
      this.capture ??= [];
      this.capture.push(c);
      return;
    }
    if (c === 0x5d && closesEmptyArray) {
      this.close(true);
      return;
    }
    this.fail();
  }

  /** Whether a container opening here is `result.tools` of a message. */
  private isToolsArray(): boolean {
    if (this.message === undefined || this.depth() !== 2) return false;
    return this.stack[this.rootDepth]!.key === 'result' && this.stack.at(-1)!.key === 'tools';
  }

  /** `result` / `error` present, and containers in the paths we read. */
  private noteContainer(): void {
    const m = this.message;
    if (m === undefined) return;
    if (this.depth() === 1) {
      const key = this.stack[this.stack.length - 1]!.key;
      if (key === 'result') m.hasResult = true;
      else if (key === 'error') m.hasError = true;
    }
  }

  private fieldHere(): Field {
    const s = this.stack;
    const r = this.rootDepth;
    const d = s.length - r;
    if (d === 1) {
      const k = s[s.length - 1]!.key;
      if (k === 'result') this.message!.hasResult = true;
      else if (k === 'error') this.message!.hasError = true;
    }
    return fieldAt(d, s[s.length - 1]!.key, s[r]!.key, s[r + 1]?.key, d === 4 && s[r + 2]!.array);
  }

  private endString(quoteAt: number): void {
    const bytes = this.capture;
    this.capture = undefined;
    if (this.strIsKey) {
      this.strIsKey = false;
      const top = this.stack[this.stack.length - 1]!;
      top.key = bytes === undefined || this.captureTooLong ? undefined : this.decode(bytes);
      this.state = S.Colon;
      return;
    }
    this.state = S.After;
    this.afterValue();
    if (bytes === undefined || this.captureTooLong) return;
    const value = this.decode(bytes);
    if (value === undefined) return;
    setString(this.message!, this.field, value, this.captureStart, quoteAt);
  }

  private endToken(): void {
    const bytes = this.capture;
    this.capture = undefined;
    this.state = this.stack.length === 0 ? S.Done : S.After;
    if (bytes !== undefined && !this.captureTooLong) {
      const text = String.fromCharCode(...bytes);
      const m = this.message;
      if (text === 'true' || text === 'false' || text === 'null') {
        if (this.field === Field.IsError && m !== undefined) m.isError = text === 'true';
      } else {
        const n = Number(text);
        if (!Number.isFinite(n) || text.endsWith('.') || /^-?0\d/.test(text)) {
          this.fail();
          return;
        }
        if (m === undefined) {
          // a number outside any message
        } else if (this.field === Field.Id) {
          m.idKey = `n:${n}`;
          m.idText = String(n);
        } else if (this.field === Field.RequestId) m.requestIdKey = `n:${n}`;
        else if (this.field === Field.ErrorCode && Number.isSafeInteger(n)) m.errorCode = n;
      }
    }
    if (this.stack.length > 0) this.afterValue();
  }

  private afterValue(): void {
    if (this.stack.length === 0) this.state = S.Done;
  }

  private close(array: boolean): void {
    this.stack.pop();
    if (array && this.stack.length === this.tools.level) this.tools.event = 2;
    if (!array && this.message !== undefined && this.stack.length === this.rootDepth) {
      const m = this.message;
      this.message = undefined;
      this.messages++;
      this.onMessage(m);
    }
    this.state = this.stack.length === 0 ? S.Done : S.After;
  }

  private decode(bytes: number[]): string | undefined {
    const text = Buffer.from(bytes).toString('utf8');
    if (!this.hasEscape) return text;
    try {
      return JSON.parse(`"${text}"`) as string;
    } catch {
      return undefined;
    }
  }
}
