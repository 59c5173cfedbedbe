import { diag } from '@opentelemetry/api';
import { describeError, warnOnce } from '@mcpmeter/core';
import { manualSource } from '../manual-source.js';
import type { McpServerInstrumentationConfig } from '../types.js';
import { instrumentProtocol } from '../protocol/hook.js';
import type { McpServerLike } from '../protocol/inbound.js';
import { instrumentMcp } from './mcp-server.js';

/** An `McpServer` of either SDK generation: it wraps a low-level `Server` in `.server`. */
export function isMcpServer(value: unknown): value is McpServerLike {
  if (value === null || typeof value !== 'object') return false;
  const v = value as { server?: unknown; _registeredTools?: unknown; registerTool?: unknown };
  return (
    v.server !== null &&
    typeof v.server === 'object' &&
    (typeof v._registeredTools === 'object' || typeof v.registerTool === 'function')
  );
}

/**
 * Adds spans and metrics to an MCP server: an `McpServer` or a low-level
 * `Server`, from `@modelcontextprotocol/sdk` 1.x or `@modelcontextprotocol/server`
 * 2.x. Call it once the OpenTelemetry SDK is registered (or pass providers),
 * before or after tools are registered, before or after `connect`. Calling it
 * again on the same server does nothing. Returns `server`.
 *
 * @example
 * const server = instrumentMcpServer(new McpServer({ name: 'claws', version: '1.0.0' }));
 * server.registerTool('sharpen_claw', { inputSchema: { level: z.number() } }, handler);
 * await server.connect(new StdioServerTransport());
 */
export function instrumentMcpServer<T extends object>(
  server: T,
  config: McpServerInstrumentationConfig = {},
): T {
  try {
    const source = manualSource(config);
    const state = isMcpServer(server)
      ? instrumentMcp(server, source)
      : instrumentProtocol(server, source);
    if (state === undefined) {
      warnOnce(
        'instrumentMcpServer-not-a-server',
        'mcpmeter: instrumentMcpServer() expects an McpServer or Server from @modelcontextprotocol/sdk 1.x or ' +
          '@modelcontextprotocol/server 2.x; the value given is neither, so it is left uninstrumented.',
      );
    }
  } catch (err) {
    diag.error(
      `mcpmeter: instrumentMcpServer() failed; the server runs uninstrumented: ${describeError(err)}`,
    );
  }
  return server;
}
