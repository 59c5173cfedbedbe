import type { ClientRequest, IncomingMessage } from 'node:http';
import type { WireTelemetry } from '../telemetry/wire-telemetry.js';
import { JsonScanner, type WireMessage } from '../wire/json-scanner.js';
import { applyEdits } from '../wire/line-relay.js';
import { guard } from './guard.js';

export type OnRequestMessage = (m: WireMessage, rewritable: boolean) => string | undefined;

/**
 * The request body: held up to `maxHeld` bytes, so that `traceparent` can be
 * rewritten and the request sent again on a stale keep-alive socket (`whole`);
 * streamed on unchanged beyond that (`stream`). `onMessage` observes JSON-RPC.
 */
export function readBody(
  ctx: { telemetry: WireTelemetry; maxHeld: number },
  req: IncomingMessage,
  onMessage: OnRequestMessage | undefined,
  sink: { whole(body: Buffer): void; stream(): ClientRequest },
): void {
  const telemetry = ctx.telemetry;
  const found: WireMessage[] = [];
  const scanner = new JsonScanner((m) => found.push(m));
  let held: Buffer[] | undefined = [];
  let length = 0;
  let upstream: ClientRequest | undefined;
  const scan = (chunk: Buffer, offset: number) => {
    if (onMessage !== undefined)
      guard(telemetry, () => scanner.feed(chunk, 0, chunk.length, offset));
  };
  const flush = (rewritable: boolean) => {
    for (const m of found.splice(0)) onMessage?.(m, rewritable);
  };
  req.on('data', (chunk: Buffer) => {
    if (held !== undefined) {
      held.push(chunk);
      length += chunk.length;
      if (length <= ctx.maxHeld) return;
      // Too big to hold: stream it, observed but unchanged.
      upstream = sink.stream();
      let offset = 0;
      for (const part of held) {
        scan(part, offset);
        offset += part.length;
        upstream.write(part);
      }
      held = undefined;
      flush(false);
      return;
    }
    scan(chunk, length);
    length += chunk.length;
    flush(false);
    if (!upstream!.write(chunk)) {
      req.pause();
      upstream!.once('drain', () => req.resume());
    }
  });
  req.on('end', () => {
    if (held === undefined) {
      finishScan(telemetry, scanner, onMessage, undefined);
      flush(false);
      upstream!.end();
      return;
    }
    let body = held.length === 1 ? held[0]! : Buffer.concat(held);
    scan(body, 0);
    finishScan(telemetry, scanner, onMessage, body);
    const edits: [number, number, string][] = [];
    for (const m of found.splice(0)) {
      const replacement = onMessage?.(m, true);
      if (replacement !== undefined && m.traceparentStart >= 0) {
        edits.push([m.traceparentStart, m.traceparentEnd, replacement]);
      }
    }
    if (edits.length > 0) body = applyEdits(body, edits);
    sink.whole(body);
  });
  req.on('error', () => upstream?.destroy());
}

function finishScan(
  telemetry: WireTelemetry,
  scanner: JsonScanner,
  onMessage: OnRequestMessage | undefined,
  body: Buffer | undefined,
): void {
  if (onMessage === undefined) return;
  const result = guard(telemetry, () => scanner.finish());
  if (result === 'malformed') {
    guard(telemetry, () => telemetry.malformed('receive', body?.subarray(0, 120)));
  }
}
