/* MCP sessions over Streamable HTTP with the real SDK client, for the end-to-end test. */
import { Client } from '@modelcontextprotocol/sdk/client/index.js';
import { StreamableHTTPClientTransport } from '@modelcontextprotocol/sdk/client/streamableHttp.js';

export interface McpSession {
  /** tools/call; resolves with `isError` (a JSON-RPC error counts as an error too). */
  call(name: string, args?: Record<string, unknown>): Promise<boolean>;
  listTools(): Promise<string[]>;
  /** Ends the session the way a well-behaved client does (DELETE), then closes. */
  end(): Promise<void>;
  /** Drops the connection without ending the session (a client that went away). */
  abandon(): Promise<void>;
}

export async function openMcpSession(url: string, name: string): Promise<McpSession> {
  const transport = new StreamableHTTPClientTransport(new URL(url));
  const client = new Client({ name, version: '1.0.0' });
  await client.connect(transport);
  return {
    async call(tool, args = {}) {
      try {
        return (await client.callTool({ name: tool, arguments: args })).isError === true;
      } catch {
        return true;
      }
    },
    async listTools() {
      return (await client.listTools()).tools.map((t) => t.name);
    },
    async end() {
      await transport.terminateSession();
      await client.close();
    },
    async abandon() {
      await client.close();
    },
  };
}
