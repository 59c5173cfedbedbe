// An ordinary fastmcp server (httpStream on 127.0.0.1:$PORT, stateless when
// $STATELESS=true) with no telemetry code; the test starts it under the preload.
import { FastMCP } from 'fastmcp';

const server = new FastMCP({ name: 'fast-claws', version: '1.0.0' });
server.addTool({ name: 'fast', description: 'ok', execute: async () => 'ok' });
server.addTool({
  name: 'failing',
  description: 'isError',
  execute: async () => ({ content: [{ type: 'text', text: 'no' }], isError: true }),
});
await server.start({
  transportType: 'httpStream',
  httpStream: {
    host: '127.0.0.1',
    port: Number(process.env.PORT),
    stateless: process.env.STATELESS === 'true',
    enableJsonResponse: true,
  },
});
process.stderr.write('fastmcp ready\n');
