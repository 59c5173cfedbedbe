// An agent using @ai-sdk/mcp with no telemetry code: it starts the plain SDK 2.x
// stdio server beside it, calls its tools, closes, then prints its own /metrics
// (served by the preload on $METRICS_PORT) to stdout for the test to read.
import { fileURLToPath } from 'node:url';
import { createMCPClient } from '@ai-sdk/mcp';
import { Experimental_StdioMCPTransport } from '@ai-sdk/mcp/mcp-stdio';

const server = fileURLToPath(new URL('./server-sdk2.mjs', import.meta.url));
const client = await createMCPClient({
  transport: new Experimental_StdioMCPTransport({ command: process.execPath, args: [server] }),
});
const tools = await client.tools();
await tools.fast.execute({}, { toolCallId: '1', messages: [] });
await tools.fast.execute({}, { toolCallId: '2', messages: [] });
await tools.failing.execute({}, { toolCallId: '3', messages: [] });
await client.close();
const res = await fetch(`http://127.0.0.1:${process.env.METRICS_PORT}/metrics`);
process.stdout.write(await res.text());
