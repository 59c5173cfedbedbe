import { ERROR_STREAM_INCOMPLETE } from '../errors.js';
import {
  readConverse,
  readConverseEvent,
  readInvoke,
  readInvokeChunk,
} from '../formats-bedrock.js';
import { readGemini, readGeminiEmbeddings } from '../formats-gemini.js';
import { readOllama, readOllamaEmbeddings } from '../formats-ollama.js';
import { readJsonBody, readStreamEvent, type StreamState, type WireFormat } from '../formats.js';
import { mayMatter } from '../observe.js';
import type { LlmOperation } from '../operation.js';
import { SseParser } from '../sse.js';
import { EventStreamDecoder } from './eventstream.js';
import { JsonArraySplitter, LineSplitter } from './splitters.js';

/** How a response body is framed, from its content type and the route. */
export type Framing = 'json' | 'sse' | 'ndjson' | 'json-array' | 'eventstream';

export function framingOf(
  contentType: string,
  format: WireFormat,
  stream: boolean,
): Framing | undefined {
  const ct = contentType.toLowerCase();
  if (ct.includes('application/vnd.amazon.eventstream')) return 'eventstream';
  if (ct.includes('text/event-stream')) return 'sse';
  if (ct.includes('ndjson')) return 'ndjson';
  if (ct === '' || ct.includes('json') || ct.includes('text/plain')) {
    if (format === 'gemini' && stream) return 'json-array';
    if ((format === 'ollama.chat' || format === 'ollama.generate') && stream) return 'ndjson';
    return 'json';
  }
  return undefined;
}

/** Largest non-streamed JSON body read for usage. */
const MAX_JSON_BYTES = 64 * 1024 * 1024;

/**
 * Reads a response body as it passes (bytes are never held back from the
 * application): splits it per framing, times chunks, hands payloads to the
 * format's reader, and ends the operation when the body ends or fails.
 * `onUnparsed` is called once when nothing in the body could be understood.
 */
export class BodyObserver {
  private readonly feed: (bytes: Uint8Array) => void;
  private readonly close: () => void;
  private terminal = false;
  /**
   * The stream's last event was read ([DONE], message_stop, done:true, metadata…): the call can end
   * now, even if the reader never reads the end of the body (the ollama client stops at done:true).
   * Not for Gemini, whose usage may follow the chunk with the finish reason.
   */
  get finished(): boolean {
    return this.terminal && this.format !== 'gemini' && this.framing !== 'json';
  }
  private understood = false;
  private failures = 0;
  private jsonParts: Uint8Array[] | undefined;
  private jsonBytes = 0;
  private readonly state: StreamState = {};

  constructor(
    private readonly op: LlmOperation,
    private readonly format: WireFormat,
    private readonly framing: Framing,
    private readonly status: number,
    private readonly onUnparsed: (reason: string) => void,
  ) {
    switch (framing) {
      case 'json':
        this.jsonParts = [];
        this.feed = (b) => {
          if (this.jsonParts === undefined) return;
          this.jsonBytes += b.byteLength;
          if (this.jsonBytes <= MAX_JSON_BYTES) this.jsonParts.push(b);
          else this.jsonParts = undefined;
        };
        this.close = () => this.readJson();
        break;
      case 'sse': {
        const p = new SseParser((data) => this.event(data));
        this.feed = (b) => p.push(b);
        this.close = () => p.end();
        break;
      }
      case 'ndjson': {
        const p = new LineSplitter((line) => this.event(line));
        this.feed = (b) => p.push(b);
        this.close = () => p.end();
        break;
      }
      case 'json-array': {
        const p = new JsonArraySplitter((text) => this.event(text));
        this.feed = (b) => p.push(b);
        this.close = () => {
          if (p.closed) this.terminal = true;
        };
        break;
      }
      case 'eventstream': {
        const d = new EventStreamDecoder((m) => {
          this.op.onChunk();
          this.safely(() => this.awsEvent(m.headers, m.payload));
        });
        this.feed = (b) => {
          d.push(b);
          if (d.broken !== undefined) this.unparsedOnce(d.broken);
        };
        this.close = () => undefined;
        break;
      }
    }
  }

  push(bytes: Uint8Array): void {
    if (this.op.ended) return;
    try {
      this.feed(bytes); // no closure per chunk: this runs for every chunk of every stream
    } catch {
      this.failures++;
    }
  }

  end(): void {
    if (this.op.ended) return;
    this.safely(() => this.close());
    if (!this.understood && !this.reported)
      this.unparsedOnce(this.failures > 0 ? 'invalid_json' : 'unrecognised_body');
    const streamed = this.framing !== 'json';
    this.op.end({
      status: this.status,
      errorType: streamed && !this.terminal ? ERROR_STREAM_INCOMPLETE : undefined,
    });
  }

  fail(error: unknown): void {
    this.op.end({ error, status: this.status });
  }

  private reported = false;
  private unparsedOnce(reason: string): void {
    if (this.reported) return;
    this.reported = true;
    this.onUnparsed(reason);
  }

  private safely(fn: () => void): void {
    try {
      fn();
    } catch {
      this.failures++;
    }
  }

  private readJson(): void {
    const parts = this.jsonParts;
    this.jsonParts = undefined;
    if (parts === undefined) return;
    let value: unknown;
    try {
      value = JSON.parse(textOf(parts));
    } catch {
      this.failures++;
      return;
    }
    if (value === null || typeof value !== 'object' || Array.isArray(value)) {
      if (this.format === 'gemini' && Array.isArray(value)) {
        for (const v of value) this.readGeminiChunk(v);
        this.terminal = true;
      }
      return;
    }
    const op = this.op;
    switch (this.format) {
      case 'gemini':
        readGemini(value, op);
        break;
      case 'gemini.embeddings':
        readGeminiEmbeddings(value, op);
        this.understood = 'embedding' in value || 'embeddings' in value;
        break;
      case 'bedrock.converse':
        readConverse(value, op);
        break;
      case 'bedrock.invoke':
        readInvoke(value, op);
        break;
      case 'ollama.chat':
      case 'ollama.generate':
        readOllama(value, op);
        break;
      case 'ollama.embeddings':
        readOllamaEmbeddings(value, op);
        this.understood = 'embeddings' in value || 'embedding' in value;
        break;
      default:
        readJsonBody(this.format, value, op);
    }
    this.noteUnderstood();
  }

  private noteUnderstood(): void {
    const op = this.op;
    if (
      op.usage !== undefined ||
      op.responseModel !== undefined ||
      op.responseId !== undefined ||
      op.finishReasons.length > 0
    )
      this.understood = true;
  }

  private readGeminiChunk(value: unknown): void {
    if (readGemini(value, this.op)) this.terminal = true;
  }

  /** One event of an SSE / NDJSON / JSON-array stream. */
  private event(data: string): void {
    const op = this.op;
    if (op.ended) return;
    if (data === '[DONE]') {
      this.terminal = true;
      return;
    }
    op.onChunk();
    if (this.understood && !op.needsText && op.chunks > 1 && !this.matters(data)) return;
    let value: unknown;
    try {
      value = JSON.parse(data);
    } catch {
      this.failures++;
      return;
    }
    let terminal: boolean;
    switch (this.format) {
      case 'gemini':
        terminal = readGemini(value, op);
        break;
      case 'ollama.chat':
      case 'ollama.generate':
        terminal = readOllama(value, op);
        break;
      case 'bedrock.invoke':
        terminal = readStreamEvent('anthropic.messages', value, op, this.state);
        break;
      default:
        terminal = readStreamEvent(this.format, value, op, this.state);
    }
    if (terminal) this.terminal = true;
    this.noteUnderstood();
  }

  /** Whether a stream event may carry usage, a model or an end: deltas are not parsed. */
  private matters(data: string): boolean {
    switch (this.format) {
      case 'gemini':
        return data.includes('"finishReason"');
      case 'ollama.chat':
      case 'ollama.generate':
        return data.lastIndexOf('"done":false') === -1;
      default:
        return mayMatter(this.format, data);
    }
  }

  /** One AWS event-stream message (ConverseStream or InvokeModelWithResponseStream). */
  private awsEvent(headers: Record<string, string>, payload: Uint8Array): void {
    const op = this.op;
    const messageType = headers[':message-type'];
    if (messageType === 'exception' || messageType === 'error') {
      op.streamError(safeType(headers[':exception-type'] ?? headers[':error-code']));
      this.terminal = true;
      this.understood = true;
      return;
    }
    const type = headers[':event-type'] ?? '';
    if (this.format === 'bedrock.converse') {
      this.understood = true;
      if (type === 'contentBlockDelta' && !op.needsText) return;
      const value: unknown = JSON.parse(Buffer.from(payload).toString('utf8'));
      if (readConverseEvent(type, value, op)) this.terminal = true;
      return;
    }
    if (type === 'chunk') {
      const value: unknown = JSON.parse(Buffer.from(payload).toString('utf8'));
      if (readInvokeChunk(value, op, this.state)) this.terminal = true;
      this.noteUnderstood();
    }
  }
}

/** An AWS exception type as an `error.type` value: a short identifier, else `stream_error`. */
function safeType(v: string | undefined): string {
  return v !== undefined && /^[A-Za-z][A-Za-z0-9_]{0,63}$/.test(v) ? v : 'stream_error';
}

/** The UTF-8 text of a body's chunks (one chunk, the usual case for a small JSON body, is not copied). */
function textOf(parts: Uint8Array[]): string {
  if (parts.length === 1) {
    const p = parts[0]!;
    return Buffer.from(p.buffer, p.byteOffset, p.byteLength).toString('utf8');
  }
  return Buffer.concat(parts).toString('utf8');
}
