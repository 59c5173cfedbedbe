import { MAX_TOOLS_BYTES } from './wire-message.js';

/**
 * The bytes of one `tools/list` answer's `result.tools` array as they pass
 * through the scanner (the tool catalog, issue 21), up to `MAX_TOOLS_BYTES`:
 * the only part of a message that is kept, and only for as long as it lasts.
 */
export class ToolsBytes {
  /** Scanner stack depth of the array being kept, -1 when none is. */
  level = -1;
  /** 1: the array opened at the byte before the scanner's position; 2: it closed there. */
  event = 0;
  /** Where the kept bytes start in the current chunk. */
  from = 0;
  private parts: Buffer[] = [];
  private size = 0;

  /** Keeps `buf[from, to)`; false (and nothing kept any more) once past the limit. */
  keep(buf: Uint8Array, from: number, to: number): boolean {
    if (to <= from) return true;
    this.size += to - from;
    if (this.size > MAX_TOOLS_BYTES) {
      this.stop();
      return false;
    }
    this.parts.push(Buffer.from(buf.subarray(from, to)));
    return true;
  }

  /** The bytes kept; keeping stops. */
  take(): Buffer {
    const bytes = Buffer.concat(this.parts, this.size);
    this.stop();
    return bytes;
  }

  stop(): void {
    this.level = -1;
    this.event = 0;
    this.parts = [];
    this.size = 0;
  }
}
