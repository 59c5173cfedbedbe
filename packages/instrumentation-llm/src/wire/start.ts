import { diag } from '@opentelemetry/api';
import type { LlmTelemetry } from '../telemetry.js';
import type { LlmEndpoint } from '../types.js';
import { WireCapture } from './capture.js';
import { subscribeHttp } from './http.js';
import { http2ChannelsSuffice, subscribeHttp2 } from './http2.js';
import { subscribeUndici, undiciChannelsSuffice } from './undici.js';

export type Transport = 'fetch' | 'http' | 'http2';

/** Which transports this Node lets the wire capture see. */
export function visibleTransports(): Set<Transport> {
  const out = new Set<Transport>(['http']);
  if (undiciChannelsSuffice()) out.add('fetch');
  if (http2ChannelsSuffice()) out.add('http2');
  return out;
}

/** Subscribes the wire capture to every transport this Node can show; returns the unsubscriber. */
export function startWireCapture(
  telemetry: () => LlmTelemetry,
  endpoints: readonly LlmEndpoint[] | undefined,
): () => void {
  const capture = new WireCapture(telemetry, endpoints);
  const stops: (() => void)[] = [subscribeHttp(capture)];
  const visible = visibleTransports();
  if (visible.has('fetch')) stops.push(subscribeUndici(capture));
  if (visible.has('http2')) stops.push(subscribeHttp2(capture));
  if (!visible.has('fetch') || !visible.has('http2')) {
    diag.debug(
      `mcpmeter: Node ${process.version} does not publish ${[...(['fetch', 'http2'] as const)].filter((t) => !visible.has(t)).join(' and ')} bodies on diagnostics channels; LLM calls made that way are seen only through SDK hooks or instrumentFetch()`,
    );
  }
  return () => {
    for (const stop of stops) stop();
  };
}
