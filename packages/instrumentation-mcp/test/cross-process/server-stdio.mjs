// An MCP stdio server with no telemetry code, SDK generation from argv[2] (sdk1 | sdk2).
import { registerTools } from './tools.mjs';

const sdk = process.argv[2];
const { McpServer } =
  sdk === 'sdk1'
    ? await import('@modelcontextprotocol/sdk/server/mcp.js')
    : await import('@modelcontextprotocol/server');
const { StdioServerTransport } =
  sdk === 'sdk1'
    ? await import('@modelcontextprotocol/sdk/server/stdio.js')
    : await import('@modelcontextprotocol/server/stdio');
const server = new McpServer({ name: `stdio-${sdk}`, version: '1.0.0' });
registerTools(server);
await server.connect(new StdioServerTransport());
