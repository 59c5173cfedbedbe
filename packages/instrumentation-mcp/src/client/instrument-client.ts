import { diag } from '@opentelemetry/api';
import { describeError, warnOnce } from '@mcpmeter/core';
import { manualSource } from '../manual-source.js';
import { instrumentProtocol } from '../protocol/hook.js';
import type { TelemetrySource } from '../source.js';
import type { McpClientInstrumentationConfig } from '../types.js';
import { clientStateOf } from '../protocol/sender.js';
import { instrumentAiSdkClient, isAiSdkMcpClient } from './ai-sdk.js';
import { observeConnect } from './connect.js';
import type { ClientState } from '../protocol/outbound.js';

/**
 * Instruments a client instance: the requests it sends (CLIENT spans,
 * `mcp.client.*` metrics, trace context in `params._meta`) and those a server
 * sends it (SERVER spans). Idempotent.
 */
export function instrumentClient(
  client: unknown,
  source: TelemetrySource,
): ClientState | undefined {
  if (instrumentProtocol(client, source, 'client') === undefined) return undefined;
  return clientStateOf(client);
}

/**
 * Adds spans and metrics to an MCP `Client` from `@modelcontextprotocol/sdk`
 * 1.x or `@modelcontextprotocol/client` 2.x, or to a client made by
 * `createMCPClient` of `@ai-sdk/mcp` (its handshake happened before this call,
 * so its session is measured from here): a CLIENT span and a
 * `mcp.client.operation.duration` record per request, the session duration,
 * and the caller's trace context and baggage in each request's `params._meta`
 * so the server's span joins the caller's trace. Requests the server sends
 * back (sampling, elicitation, roots) get SERVER spans. Call it once the
 * OpenTelemetry SDK is registered (or pass providers), before `connect` so the
 * session is measured from its start. Calling it again does nothing. Returns
 * `client`.
 *
 * @example
 * const client = instrumentMcpClient(new Client({ name: 'agent', version: '1.0.0' }));
 * await client.connect(new StdioClientTransport({ command: 'node', args: ['server.mjs'] }));
 * await client.callTool({ name: 'get_weather', arguments: { city: 'Paris' } });
 */
export function instrumentMcpClient<T extends object>(
  client: T,
  config: McpClientInstrumentationConfig = {},
): T {
  try {
    if (isAiSdkMcpClient(client)) {
      instrumentAiSdkClient(client, manualSource(config));
      return client;
    }
    const state = instrumentClient(client, manualSource(config));
    if (state === undefined) {
      warnOnce(
        'instrumentMcpClient-not-a-client',
        'mcpmeter: instrumentMcpClient() expects a Client from @modelcontextprotocol/sdk 1.x, ' +
          '@modelcontextprotocol/client 2.x or createMCPClient() of @ai-sdk/mcp; the value given is none ' +
          'of these, so it is left uninstrumented.',
      );
    } else {
      observeConnect(client, state);
    }
  } catch (err) {
    diag.error(
      `mcpmeter: instrumentMcpClient() failed; the client runs uninstrumented: ${describeError(err)}`,
    );
  }
  return client;
}
