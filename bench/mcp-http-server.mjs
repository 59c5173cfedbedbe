// The MCP server of bench/mcp-http.mjs: McpServer + StreamableHTTPServerTransport on
// node:http as the SDK's README shows it (stateful sessions, SSE replies), one tool `echo`.
// Instrumentation comes from outside (`--import @mcpmeter/node/register`, or
// `--import ./mcp-http-sentry.mjs` for @sentry/node) except Sentry's MCP wrapper, which a
// user applies to the McpServer (BENCH_SENTRY_MCP=1). Nothing is written to stdout.
//
// The parent asks over the IPC channel for this process's CPU time (process.cpuUsage(),
// microseconds, every thread of the process) and gets { user, system, rss }.
import { randomUUID } from 'node:crypto';
import { createServer } from 'node:http';
import { McpServer } from '@modelcontextprotocol/sdk/server/mcp.js';
import { StreamableHTTPServerTransport } from '@modelcontextprotocol/sdk/server/streamableHttp.js';
import { isInitializeRequest } from '@modelcontextprotocol/sdk/types.js';
import { z } from 'zod';

let wrap = (server) => server;
if (process.env.BENCH_MCPMETER_EXPLICIT === '1') {
  // mcpmeter's programmatic set-up: register() and instrumentMcpServer(), no loader hooks
  const { register } = await import('@mcpmeter/node');
  register();
  const { instrumentMcpServer } = await import('@mcpmeter/instrumentation-mcp');
  wrap = (server) => instrumentMcpServer(server);
} else if (process.env.BENCH_SENTRY_MCP === '1') {
  const Sentry = await import('@sentry/node');
  wrap = (server) => Sentry.wrapMcpServerWithSentry(server);
}

function createMcpServer() {
  const server = wrap(new McpServer({ name: 'bench-http-server', version: '1.0.0' }));
  server.registerTool(
    'echo',
    { description: 'Echoes the text back', inputSchema: { text: z.string() } },
    async ({ text }) => ({ content: [{ type: 'text', text }] }),
  );
  return server;
}

const transports = {};
const readJson = async (req) => {
  const chunks = [];
  for await (const chunk of req) chunks.push(chunk);
  return chunks.length ? JSON.parse(Buffer.concat(chunks).toString()) : undefined;
};

const http = createServer(async (req, res) => {
  try {
    if (req.method !== 'POST') return res.writeHead(405).end();
    const body = await readJson(req);
    const sessionId = req.headers['mcp-session-id'];
    let transport = typeof sessionId === 'string' ? transports[sessionId] : undefined;
    if (transport === undefined) {
      if (sessionId !== undefined || !isInitializeRequest(body)) {
        return res.writeHead(400).end();
      }
      transport = new StreamableHTTPServerTransport({
        sessionIdGenerator: () => randomUUID(),
        onsessioninitialized: (id) => {
          transports[id] = transport;
        },
      });
      transport.onclose = () => {
        if (transport.sessionId) delete transports[transport.sessionId];
      };
      await createMcpServer().connect(transport);
    }
    await transport.handleRequest(req, res, body);
  } catch (err) {
    process.stderr.write(`bench server: ${String(err)}\n`);
    if (!res.headersSent) res.writeHead(500).end();
  }
});

http.listen(0, '127.0.0.1', () => {
  process.send({ port: http.address().port });
});
process.on('message', (m) => {
  if (m === 'cpu') {
    const { user, system } = process.cpuUsage();
    process.send({ user, system, rss: process.memoryUsage.rss() });
  } else if (m === 'heap') {
    // heap used after full GCs (bench/probe/drive.mjs; needs --expose-gc)
    globalThis.gc?.();
    globalThis.gc?.();
    process.send({ used: process.memoryUsage().heapUsed });
  } else if (m === 'exit') {
    http.close();
    // let an SDK flush what it holds on its own exit hooks
    setTimeout(() => process.exit(0), 50);
  }
});
