import { diag } from '@opentelemetry/api';
import { captureFetch } from '../fetch.js';
import type { LlmTelemetry } from '../telemetry.js';
import type { LlmEndpoint } from '../types.js';
import { WireCapture } from './capture.js';
import { subscribeHttp } from './http.js';
import { http2ChannelsSuffice, subscribeHttp2 } from './http2.js';
import { subscribeUndici, undiciChannelsSuffice } from './undici.js';

export type Transport = 'fetch' | 'http' | 'http2';

/**
 * Which transports this Node lets the wire capture see. `fetch` always: through
 * undici's channels on Node 24, else by wrapping `globalThis.fetch` (which a
 * client that kept a reference to fetch before register() does not go through).
 */
export function visibleTransports(): Set<Transport> {
  const out = new Set<Transport>(['http', 'fetch']);
  if (http2ChannelsSuffice()) out.add('http2');
  return out;
}

const PATCHED = Symbol.for('mcpmeter.instrumentation-llm.global-fetch');
type Fetch = typeof globalThis.fetch & { [PATCHED]?: true };

/** Node < 24: undici publishes no body chunks, so the global fetch is wrapped instead. */
function patchGlobalFetch(capture: WireCapture): () => void {
  const original = globalThis.fetch as Fetch | undefined;
  if (typeof original !== 'function' || original[PATCHED] === true) return () => undefined;
  const wrapped: Fetch = captureFetch(original, capture);
  wrapped[PATCHED] = true;
  globalThis.fetch = wrapped;
  return () => {
    if (globalThis.fetch === wrapped) globalThis.fetch = original;
  };
}

/** Subscribes the wire capture to every transport this Node can show; returns the unsubscriber. */
export function startWireCapture(
  telemetry: () => LlmTelemetry,
  endpoints: readonly LlmEndpoint[] | undefined,
): () => void {
  const capture = new WireCapture(telemetry, endpoints);
  const stops: (() => void)[] = [subscribeHttp(capture)];
  if (undiciChannelsSuffice()) stops.push(subscribeUndici(capture));
  else stops.push(patchGlobalFetch(capture));
  if (http2ChannelsSuffice()) stops.push(subscribeHttp2(capture));
  else
    diag.debug(
      `mcpmeter: Node ${process.version} has no http2 client diagnostics channels (Node >= 24.1 has); LLM calls over node:http2 are not recorded`,
    );
  return () => {
    for (const stop of stops) stop();
  };
}
