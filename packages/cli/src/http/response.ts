import type { IncomingMessage, ServerResponse } from 'node:http';
import type { SessionObserver } from '../telemetry/session.js';
import type { WireTelemetry } from '../telemetry/wire-telemetry.js';
import { JsonScanner, type WireMessage } from '../wire/json-scanner.js';
import { SseObserver } from '../wire/sse-observer.js';
import { guard } from './guard.js';

/** Hop-by-hop headers (RFC 9110 §7.6.1) are the proxy's own, never forwarded. */
export const HOP_BY_HOP = new Set([
  'connection',
  'keep-alive',
  'proxy-connection',
  'proxy-authenticate',
  'proxy-authorization',
  'te',
  'trailer',
  'transfer-encoding',
  'upgrade',
]);

/** Copies the server's reply to the client as it comes, observing it. */
export function relayResponse(
  up: IncomingMessage,
  res: ServerResponse,
  observe: Observe,
  telemetry: WireTelemetry,
  onEnd: () => void,
  onBroken: () => void,
): void {
  const out: Record<string, string | string[]> = {};
  for (const [name, value] of Object.entries(up.headers)) {
    if (value !== undefined && !HOP_BY_HOP.has(name)) out[name] = value;
  }
  res.writeHead(up.statusCode ?? 502, up.statusMessage, out);
  if (isEventStream(up)) res.flushHeaders();
  up.on('data', (chunk: Buffer) => {
    guard(telemetry, () => observe.push(chunk));
    if (!res.write(chunk)) {
      up.pause();
      res.once('drain', () => up.resume());
    }
  });
  up.on('end', () => {
    guard(telemetry, () => observe.end());
    res.end();
    onEnd();
  });
  // The server went away mid-reply (it died, or dropped the stream).
  const broken = () => {
    if (up.complete) return;
    res.destroy();
    onBroken();
  };
  up.on('error', broken);
  up.on('close', broken);
}

export interface Observe {
  push(chunk: Buffer): void;
  end(): void;
  /** An event stream whose events carry ids: its replies may still come after it ends, on a resumed stream. */
  resumable(): boolean;
}

export function responseObserver(
  up: IncomingMessage,
  observer: SessionObserver | undefined,
  telemetry: WireTelemetry,
): Observe {
  const none: Observe = { push() {}, end() {}, resumable: () => false };
  if (observer === undefined) return none;
  const onMessage = (m: WireMessage) => guard(telemetry, () => observer.fromServer(m));
  if (isEventStream(up)) {
    const sse = new SseObserver(onMessage, () => telemetry.malformed('transmit', undefined));
    return { push: (c) => sse.push(c), end: () => sse.end(), resumable: () => sse.resumable };
  }
  const type = String(up.headers['content-type'] ?? '');
  if (!/^application\/json/i.test(type) || up.statusCode === 202) return none;
  const scanner = new JsonScanner(onMessage);
  let offset = 0;
  return {
    push(chunk) {
      scanner.feed(chunk, 0, chunk.length, offset);
      offset += chunk.length;
    },
    end() {
      if (scanner.finish() === 'malformed') telemetry.malformed('transmit', undefined);
    },
    resumable: () => false,
  };
}

export function isEventStream(msg: IncomingMessage): boolean {
  return /^text\/event-stream/i.test(String(msg.headers['content-type'] ?? ''));
}
