/*
 * AWS event-stream framing (application/vnd.amazon.eventstream), as Bedrock's
 * ConverseStream and InvokeModelWithResponseStream send it:
 *   total length u32 | headers length u32 | prelude CRC32 u32 | headers | payload | message CRC32 u32
 * Header: name length u8, name, value type u8, value (type 7 = u16 length + UTF-8).
 * Reference: smithy-typescript packages/eventstream-codec (EventStreamCodec, HeaderMarshaller).
 * Only one message is buffered at a time: memory stays O(1) in the stream length.
 */

export interface EventMessage {
  headers: Record<string, string>;
  payload: Uint8Array;
}

const MAX_MESSAGE = 16 * 1024 * 1024;
/*
 * node:zlib's crc32 (Node 22.2+), looked up on the first stream: an ES import of
 * node:zlib at start-up costs every process that never reads a Bedrock stream
 * (issue 20).
 */
let crc32Fn: ((data: Uint8Array) => number) | null | undefined;
function crc32(): ((data: Uint8Array) => number) | null {
  if (crc32Fn === undefined) {
    const fn = (process.getBuiltinModule('node:zlib') as { crc32?: unknown }).crc32;
    crc32Fn = typeof fn === 'function' ? (fn as (d: Uint8Array) => number) : null;
  }
  return crc32Fn;
}

export class EventStreamDecoder {
  private parts: Uint8Array[] = [];
  private size = 0;
  /** Set when the framing is broken (bad length or CRC); nothing more is decoded. */
  broken: string | undefined;

  constructor(private readonly onMessage: (m: EventMessage) => void) {}

  push(bytes: Uint8Array): void {
    if (this.broken !== undefined) return;
    this.parts.push(bytes);
    this.size += bytes.byteLength;
    while (this.size >= 12 && this.broken === undefined) {
      const head = this.peek(12);
      const view = new DataView(head.buffer, head.byteOffset, 12);
      const total = view.getUint32(0);
      const headersLength = view.getUint32(4);
      if (total < 16 || total > MAX_MESSAGE || headersLength > total - 16) {
        this.broken = 'eventstream_length';
        return;
      }
      const crc = crc32();
      if (crc !== null && crc(head.subarray(0, 8)) !== view.getUint32(8)) {
        this.broken = 'eventstream_crc';
        return;
      }
      if (this.size < total) return;
      const message = this.take(total);
      const mview = new DataView(message.buffer, message.byteOffset, total);
      if (crc !== null && crc(message.subarray(0, total - 4)) !== mview.getUint32(total - 4)) {
        this.broken = 'eventstream_crc';
        return;
      }
      const headers = decodeHeaders(message.subarray(12, 12 + headersLength));
      if (headers === undefined) {
        this.broken = 'eventstream_headers';
        return;
      }
      this.onMessage({ headers, payload: message.subarray(12 + headersLength, total - 4) });
    }
  }

  /** Bytes left over at the end of the body (a cut message). */
  get pending(): number {
    return this.size;
  }

  private peek(n: number): Uint8Array {
    if (this.parts[0]!.byteLength >= n) return this.parts[0]!.subarray(0, n);
    const joined = Buffer.concat(this.parts);
    this.parts = [joined];
    return joined.subarray(0, n);
  }

  private take(n: number): Uint8Array {
    const joined = this.parts.length === 1 ? this.parts[0]! : Buffer.concat(this.parts);
    const out = joined.subarray(0, n);
    const rest = joined.subarray(n);
    this.parts = rest.byteLength > 0 ? [rest] : [];
    this.size -= n;
    return out;
  }
}

const utf8 = new TextDecoder();

/** String-valued headers (the only ones Bedrock sends); other types are skipped. */
function decodeHeaders(bytes: Uint8Array): Record<string, string> | undefined {
  const out: Record<string, string> = {};
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  let i = 0;
  while (i < bytes.byteLength) {
    const nameLength = bytes[i]!;
    const name = utf8.decode(bytes.subarray(i + 1, i + 1 + nameLength));
    i += 1 + nameLength;
    if (i >= bytes.byteLength) return undefined;
    const type = bytes[i++]!;
    switch (type) {
      case 0:
      case 1:
        break;
      case 2:
        i += 1;
        break;
      case 3:
        i += 2;
        break;
      case 4:
        i += 4;
        break;
      case 5:
      case 8:
        i += 8;
        break;
      case 9:
        i += 16;
        break;
      case 6:
      case 7: {
        if (i + 2 > bytes.byteLength) return undefined;
        const len = view.getUint16(i);
        i += 2;
        if (type === 7) out[name] = utf8.decode(bytes.subarray(i, i + len));
        i += len;
        break;
      }
      default:
        return undefined;
    }
    if (i > bytes.byteLength) return undefined;
  }
  return out;
}
