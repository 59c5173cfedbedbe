import { diag } from '@opentelemetry/api';
import { describeError } from '@mcpmeter/core';
import type { ClientState } from '../protocol/outbound.js';

type Fn = (this: unknown, ...args: unknown[]) => unknown;

const CONNECT = Symbol.for('mcpmeter.instrumentation-mcp.client-connect');

/**
 * Wraps `connect` on a client instance so the session (and its duration)
 * starts with it. Idempotent.
 */
export function observeConnect(client: object, state: ClientState): void {
  const target = client as Record<string | symbol, unknown>;
  if (target[CONNECT] === true || typeof target.connect !== 'function') return;
  Object.defineProperty(client, CONNECT, { value: true, enumerable: false, configurable: true });
  const connect = target.connect as Fn;
  target.connect = function instrumentedClientConnect(this: object, ...args: unknown[]) {
    return connectObserved(this, state, () => connect.apply(this, args));
  };
}

/** Runs `connect` and starts the session when it resolves. */
export function connectObserved(
  client: object,
  state: ClientState,
  connect: () => unknown,
): unknown {
  if (state.source.enabled) state.connectStarted();
  const result = connect();
  if (result !== null && typeof (result as Promise<unknown>)?.then === 'function') {
    (result as Promise<unknown>).then(
      () => {
        try {
          if (state.source.enabled) state.connected(client);
        } catch (err) {
          diag.error(`mcpmeter: MCP client session telemetry failed: ${describeError(err)}`);
        }
      },
      () => undefined,
    );
  }
  return result;
}
