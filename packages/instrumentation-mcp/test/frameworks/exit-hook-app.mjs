// An app that ends through exit-hook (as Mastra does): on SIGTERM exit-hook runs
// its hooks and calls process.exit(143). No telemetry code: the test starts it
// under @mcpmeter/node/register. It makes MCP spans (an in-memory server and
// client of SDK 1.x), says "ready" on stderr and waits to be killed.
import exitHook from 'exit-hook';
import { McpServer } from '@modelcontextprotocol/sdk/server/mcp.js';
import { Client } from '@modelcontextprotocol/sdk/client/index.js';
import { InMemoryTransport } from '@modelcontextprotocol/sdk/inMemory.js';

exitHook(() => process.stderr.write('exit hook ran\n'));
const server = new McpServer({ name: 'exiting', version: '1.0.0' });
server.registerTool('fast', { description: 'ok' }, async () => ({
  content: [{ type: 'text', text: 'ok' }],
}));
const [a, b] = InMemoryTransport.createLinkedPair();
await server.connect(b);
const client = new Client({ name: 'agent', version: '1.0.0' });
await client.connect(a);
await client.listTools();
for (let i = 0; i < 3; i++) await client.callTool({ name: 'fast', arguments: {} });
process.stderr.write('ready\n');
setInterval(() => {}, 1000);
