// An ordinary SDK 1.x stdio server (ESM) with no telemetry code.
import { McpServer } from '@modelcontextprotocol/sdk/server/mcp.js';
import { StdioServerTransport } from '@modelcontextprotocol/sdk/server/stdio.js';

const server = new McpServer({ name: 'plain-esm-1', version: '1.0.0' });
server.registerTool('fast', { description: 'ok' }, async () => ({
  content: [{ type: 'text', text: 'ok' }],
}));
server.registerTool('failing', { description: 'isError' }, async () => ({
  content: [{ type: 'text', text: 'no' }],
  isError: true,
}));
server.registerTool('throwing', { description: 'throws' }, async () => {
  throw new RangeError('out of range');
});
await server.connect(new StdioServerTransport());
