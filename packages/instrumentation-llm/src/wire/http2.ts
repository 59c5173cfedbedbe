import * as dc from 'node:diagnostics_channel';
import type { WireCapture } from './capture.js';
import { TAKEN, watchRequest } from './http.js';

/*
 * node:http2 clients (the AWS SDK's default NodeHttp2Handler for Bedrock):
 * `http2.client.stream.created` (Node >= 24.1) gives the stream and its
 * request headers before the body is written; as for node:http, the stream
 * instance's `write`/`end` (request body) and `emit` (`response`, `data`,
 * `end`, `error`, `close`) are wrapped to see the bytes.
 */

interface Http2StreamLike {
  [TAKEN]?: true;
  write: (...args: unknown[]) => boolean;
  end: (...args: unknown[]) => unknown;
  emit: (event: string | symbol, ...args: unknown[]) => boolean;
}

/** True when this Node publishes the http2 client stream channels. */
export function http2ChannelsSuffice(): boolean {
  const [major, minor] = process.versions.node.split('.').map(Number) as [number, number];
  return major > 24 || (major === 24 && minor >= 1);
}

export function subscribeHttp2(capture: WireCapture): () => void {
  const onCreated = (m: unknown) => {
    try {
      const { stream, headers } = m as {
        stream?: Http2StreamLike;
        headers?: Record<string, unknown>;
      };
      if (stream === undefined || headers === undefined || stream[TAKEN] === true) return;
      const method = headers[':method'];
      const path = headers[':path'];
      const authority = headers[':authority'];
      const scheme = headers[':scheme'];
      if (typeof method !== 'string' || typeof path !== 'string' || typeof authority !== 'string')
        return;
      const call = capture.start(method.toUpperCase(), {
        protocol: scheme === 'http' ? 'http:' : 'https:',
        host: authority,
        path,
      });
      if (call === undefined) return;
      stream[TAKEN] = true;
      // The request side: body (for the model) and errors, as for node:http.
      watchRequest(stream, call);
      // The response side arrives on the same stream object: wrap its emit once more.
      const emit = stream.emit;
      stream.emit = function (this: unknown, event: string | symbol, ...args: unknown[]) {
        if (event === 'response') {
          const h = (args[0] ?? {}) as Record<string, unknown>;
          const status = Number(h[':status']);
          const ct = h['content-type'];
          call.response(status, typeof ct === 'string' ? ct : '');
        } else if (event === 'data') {
          const chunk = args[0];
          if (chunk instanceof Uint8Array) call.chunk(chunk);
        } else if (event === 'end') call.end();
        return emit.call(this, event, ...args);
      };
    } catch {
      // never into the host
    }
  };
  dc.subscribe('http2.client.stream.created', onCreated);
  return () => dc.unsubscribe('http2.client.stream.created', onCreated);
}
