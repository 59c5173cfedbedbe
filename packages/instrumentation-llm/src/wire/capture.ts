import { context } from '@opentelemetry/api';
import { warnOnce } from '@mcpmeter/core';
import { activeOperation } from '../operation.js';
import { ATTR_MCPMETER_UNPARSED_REASON } from '../semconv.js';
import type { LlmTelemetry } from '../telemetry.js';
import type { LlmEndpoint } from '../types.js';
import { WireCall, type WireRequest } from './call.js';
import {
  configuredEndpoints,
  resolveEndpoint,
  type ConfiguredEndpoint,
  type ResolvedEndpoint,
} from './endpoints.js';
import { routeOf } from './route.js';

const SUPPRESS = Symbol.for('mcpmeter.instrumentation-llm.suppress-wire');

/**
 * Decides which requests seen by the transports (undici, node:http,
 * node:http2) are LLM calls, and starts a {@link WireCall} for each. Calls
 * made inside an SDK-level operation (openai, @anthropic-ai/sdk hooks) are
 * left to that hook: each call is recorded once.
 */
export class WireCapture {
  private readonly configured: ConfiguredEndpoint[];
  private readonly unparsedAttrs = new Map<string, Record<string, string>>();

  private readonly builtIns: boolean;

  /** `builtIns: false` matches only the given endpoints (no provider hosts, no environment). */
  constructor(
    private readonly telemetry: () => LlmTelemetry,
    endpoints: readonly LlmEndpoint[] | undefined,
    options: { builtIns?: boolean } = {},
  ) {
    this.builtIns = options.builtIns !== false;
    this.configured = configuredEndpoints(endpoints, this.builtIns ? undefined : '');
  }

  /** True when the current context's calls are recorded elsewhere (an SDK hook, a recorded fetch). */
  recordedElsewhere(): boolean {
    const ctx = context.active();
    return activeOperation(ctx) !== undefined || ctx.getValue(SUPPRESS) === true;
  }

  /** Called when a request is created, in the caller's async context. */
  start(method: string, request: WireRequest): WireCall | undefined {
    if (method !== 'POST') return undefined;
    // A call an SDK hook records (or a recorded fetch) steps aside before any endpoint matching.
    const ctx = context.active();
    if (activeOperation(ctx) !== undefined || ctx.getValue(SUPPRESS) === true) return undefined;
    const endpoint = resolveEndpoint(
      this.configured,
      request.protocol,
      request.host,
      request.path,
      this.builtIns,
    );
    if (endpoint === undefined) return undefined;
    const route = routeOf(endpoint.api, request.path);
    if (route === undefined) {
      // Built-in hosts serve many non-LLM APIs (files, batches…); a configured relay is expected to be LLM calls.
      if (endpoint.configured) this.unparsed(endpoint, request.host, 'unknown_operation');
      return undefined;
    }
    return new WireCall(this.telemetry(), endpoint, route, request, ctx, (e, host, reason) =>
      this.unparsed(e, host, reason),
    );
  }

  /** Counts a call whose body could not be read, with one diagnostic line per provider and reason. */
  unparsed(endpoint: ResolvedEndpoint, host: string, reason: string): void {
    const key = `${endpoint.provider}\u0000${reason}`;
    let attrs = this.unparsedAttrs.get(key);
    if (attrs === undefined) {
      attrs = {
        'gen_ai.provider.name': endpoint.provider,
        [ATTR_MCPMETER_UNPARSED_REASON]: reason,
      };
      if (this.unparsedAttrs.size < 200) this.unparsedAttrs.set(key, attrs);
    }
    this.telemetry().instruments.unparsed.add(1, attrs);
    warnOnce(
      `instrumentation-llm:unparsed:${key}`,
      `mcpmeter: a call to ${endpoint.provider} at ${JSON.stringify(host.slice(0, 100))} could not be read (${reason}); ` +
        'its tokens and cost are not recorded; counted in mcpmeter_llm_unparsed_total',
    );
  }
}

/** Runs `fn` with wire capture off (for a transport that another layer already records). */
export function withoutWireCapture<T>(fn: () => T): T {
  return context.with(context.active().setValue(SUPPRESS, true), fn);
}
