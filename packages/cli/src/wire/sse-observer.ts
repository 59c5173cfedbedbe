import { JsonScanner, type WireMessage } from './json-scanner.js';

const LF = 0x0a;
const CR = 0x0d;
const COLON = 0x3a;
const SPACE = 0x20;
const DATA = Buffer.from('data');
const ID = Buffer.from('id');
const NEWLINE = Buffer.from('\n');

const enum Mode {
  Field,
  AfterColon,
  Data,
  Skip,
}

/**
 * Reads the JSON-RPC messages of a `text/event-stream` response as it passes
 * (https://html.spec.whatwg.org/multipage/server-sent-events.html#event-stream-interpretation):
 * each event's `data` lines are one message. The bytes themselves are never
 * held or changed; the data of an event is scanned as it arrives.
 */
export class SseObserver {
  private mode = Mode.Field;
  private field: number[] = [];
  private fieldTooLong = false;
  private lastWasCR = false;
  private scanner: JsonScanner | undefined;
  private dataLines = 0;
  private offset = 0;
  /** Messages of the event being read: reported when it is dispatched (an unfinished one never is). */
  private messages: WireMessage[] = [];
  /** Whether an event carried an `id`: the client can resume the stream after it (Last-Event-ID). */
  resumable = false;

  constructor(
    private readonly onMessage: (m: WireMessage) => void,
    private readonly onMalformed: () => void,
  ) {}

  push(chunk: Buffer): void {
    let i = 0;
    const n = chunk.length;
    while (i < n) {
      const c = chunk[i]!;
      if (this.lastWasCR) {
        this.lastWasCR = false;
        if (c === LF) {
          i++;
          continue;
        }
      }
      if (this.mode === Mode.Data || this.mode === Mode.Skip) {
        let j = i;
        while (j < n) {
          const d = chunk[j]!;
          if (d === LF || d === CR) break;
          j++;
        }
        if (this.mode === Mode.Data && j > i) {
          this.scanner!.feed(chunk, i, j, this.offset - i);
          this.offset += j - i;
        }
        if (j === n) return;
        this.endLine();
        this.lastWasCR = chunk[j] === CR;
        i = j + 1;
        continue;
      }
      i++;
      if (c === LF || c === CR) {
        this.lastWasCR = c === CR;
        this.endLine();
        continue;
      }
      if (this.mode === Mode.AfterColon) {
        this.startValue();
        if (c !== SPACE) i--; // the first byte of the value
        continue;
      }
      if (c === COLON) {
        this.mode = Mode.AfterColon;
        continue;
      }
      if (this.field.length < 8) this.field.push(c);
      else this.fieldTooLong = true;
    }
  }

  /** The stream ended: an event not closed by a blank line is discarded, as the spec says. */
  end(): void {
    this.scanner = undefined;
    this.messages = [];
  }

  private isData(): boolean {
    return !this.fieldTooLong && DATA.equals(Buffer.from(this.field));
  }

  private startValue(): void {
    if (this.field.length === 0 && !this.fieldTooLong) {
      this.mode = Mode.Skip; // a comment
      return;
    }
    if (!this.isData()) {
      if (!this.fieldTooLong && ID.equals(Buffer.from(this.field))) this.resumable = true;
      this.mode = Mode.Skip;
      return;
    }
    this.startDataLine();
    this.mode = Mode.Data;
  }

  private startDataLine(): void {
    if (this.scanner === undefined) {
      this.scanner = new JsonScanner((m) => this.messages.push(m));
      this.offset = 0;
    }
    if (this.dataLines++ > 0) {
      this.scanner.feed(NEWLINE, 0, 1, this.offset);
      this.offset++;
    }
  }

  private endLine(): void {
    const mode = this.mode;
    if (mode === Mode.Field) {
      if (this.field.length === 0 && !this.fieldTooLong) {
        this.dispatch();
      } else if (this.isData()) {
        this.startDataLine(); // `data` with no colon: an empty data line
      }
    } else if (mode === Mode.AfterColon && this.isData()) {
      this.startDataLine();
    }
    this.mode = Mode.Field;
    this.field = [];
    this.fieldTooLong = false;
  }

  private dispatch(): void {
    const scanner = this.scanner;
    this.scanner = undefined;
    this.dataLines = 0;
    if (scanner === undefined) return;
    const messages = this.messages;
    this.messages = [];
    // An event with empty data (a priming event for resumption) is no message.
    const result = scanner.finish();
    if (result === 'malformed') this.onMalformed();
    else for (const m of messages) this.onMessage(m);
  }
}
