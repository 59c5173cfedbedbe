// An ordinary SDK 2.x stdio server (CommonJS) with no telemetry code.
const { McpServer } = require('@modelcontextprotocol/server');
const { StdioServerTransport } = require('@modelcontextprotocol/server/stdio');

const server = new McpServer({ name: 'plain-cjs-2', version: '1.0.0' });
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
