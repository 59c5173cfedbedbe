// An ordinary SDK 1.x stdio server (CommonJS) with no telemetry code.
const { McpServer } = require('@modelcontextprotocol/sdk/server/mcp.js');
const { StdioServerTransport } = require('@modelcontextprotocol/sdk/server/stdio.js');

const server = new McpServer({ name: 'plain-cjs-1', version: '1.0.0' });
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
void server.connect(new StdioServerTransport());
