/**
 * An incremental server-sent-events parser that keeps only the line being
 * read and the `data` of the event being assembled: memory stays O(1) in the
 * length of the stream. Calls `onData` with each event's data.
 */
export class SseParser {
  private readonly decoder = new TextDecoder();
  private partial = '';
  private data: string | undefined;

  constructor(private readonly onData: (data: string) => void) {}

  push(bytes: Uint8Array): void {
    this.feed(this.decoder.decode(bytes, { stream: true }));
  }

  end(): void {
    this.feed(this.decoder.decode());
    if (this.partial.length > 0) this.line(this.partial);
    this.partial = '';
    this.dispatch();
  }

  private feed(text: string): void {
    if (text.length === 0) return;
    let start = 0;
    const s = this.partial.length > 0 ? this.partial + text : text;
    this.partial = '';
    for (;;) {
      const nl = s.indexOf('\n', start);
      if (nl === -1) break;
      const end = nl > start && s.charCodeAt(nl - 1) === 13 ? nl - 1 : nl;
      this.line(s.slice(start, end));
      start = nl + 1;
    }
    // A lone `\r` line ending is legal SSE but not sent by any LLM API; `\n` and `\r\n` are handled.
    if (start < s.length) this.partial = s.slice(start);
  }

  private line(line: string): void {
    if (line.length === 0) {
      this.dispatch();
      return;
    }
    if (line.startsWith('data:')) {
      const value = line.charCodeAt(5) === 32 ? line.slice(6) : line.slice(5);
      this.data = this.data === undefined ? value : `${this.data}\n${value}`;
    }
    // `event:`, `id:`, `retry:` and comments carry nothing we need: every LLM API repeats the type in `data`.
  }

  private dispatch(): void {
    if (this.data === undefined) return;
    const data = this.data;
    this.data = undefined;
    this.onData(data);
  }
}
