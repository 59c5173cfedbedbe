/*
 * Incremental splitters for the other streamed framings: NDJSON (Ollama) and a
 * streamed JSON array (Gemini streamGenerateContent without `alt=sse`). Each
 * keeps only the element being read: memory stays O(1) in the stream length
 * (one element is capped; past the cap it is skipped and reported).
 */

const MAX_ELEMENT = 16 * 1024 * 1024;

export class LineSplitter {
  private readonly decoder = new TextDecoder();
  private partial = '';
  oversized = false;

  constructor(private readonly onLine: (line: string) => void) {}

  push(bytes: Uint8Array): void {
    const text = this.decoder.decode(bytes, { stream: true });
    let start = 0;
    const s = this.partial.length > 0 ? this.partial + text : text;
    this.partial = '';
    for (;;) {
      const nl = s.indexOf('\n', start);
      if (nl === -1) break;
      const line = s.slice(start, nl).trim();
      if (line.length > 0) this.onLine(line);
      start = nl + 1;
    }
    if (start < s.length) {
      this.partial = s.slice(start);
      if (this.partial.length > MAX_ELEMENT) {
        this.partial = '';
        this.oversized = true;
      }
    }
  }

  end(): void {
    const rest = (this.partial + this.decoder.decode()).trim();
    this.partial = '';
    if (rest.length > 0) this.onLine(rest);
  }
}

/** Splits `[ {…}, {…} ]` into its top-level elements as they complete. */
export class JsonArraySplitter {
  private readonly decoder = new TextDecoder();
  private depth = 0;
  private inString = false;
  private escaped = false;
  private element = '';
  /** True once the closing `]` of the array was read. */
  closed = false;
  oversized = false;

  constructor(private readonly onElement: (text: string) => void) {}

  push(bytes: Uint8Array): void {
    const s = this.decoder.decode(bytes, { stream: true });
    let start = this.depth >= 2 ? 0 : -1;
    for (let i = 0; i < s.length; i++) {
      const c = s.charCodeAt(i);
      if (this.inString) {
        if (this.escaped) this.escaped = false;
        else if (c === 92 /* \ */) this.escaped = true;
        else if (c === 34 /* " */) this.inString = false;
        continue;
      }
      if (c === 34) {
        this.inString = true;
      } else if (c === 123 /* { */ || c === 91 /* [ */) {
        this.depth++;
        if (this.depth === 2) start = i;
      } else if (c === 125 /* } */ || c === 93 /* ] */) {
        this.depth--;
        if (this.depth === 1 && start !== -1) {
          this.emit(s.slice(start, i + 1));
          start = -1;
        } else if (this.depth === 0) {
          this.closed = true;
        }
      }
    }
    if (start !== -1 && this.depth >= 2) this.keep(s.slice(start));
  }

  private keep(text: string): void {
    if (this.oversized) return;
    this.element += text;
    if (this.element.length > MAX_ELEMENT) {
      this.element = '';
      this.oversized = true;
    }
  }

  private emit(tail: string): void {
    const text = this.element + tail;
    this.element = '';
    if (this.oversized) {
      this.oversized = false;
      return;
    }
    this.onElement(text);
  }
}
