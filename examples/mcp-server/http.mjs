// The claw server over Streamable HTTP (stateful sessions) on 127.0.0.1:$PORT/mcp
// (default 3000); /metrics on the side port (OTEL_EXPORTER_PROMETHEUS_PORT, default 9464).
import { randomUUID } from 'node:crypto';
import { createServer } from 'node:http';
import { register } from '@mcpmeter/node';
import { StreamableHTTPServerTransport } from '@modelcontextprotocol/sdk/server/streamableHttp.js';
import { createClawServer } from './claws.mjs';

const telemetry = register({ serviceName: process.env.OTEL_SERVICE_NAME ?? 'claws-http' });
const sessions = new Map();

/** @param {import('node:http').IncomingMessage} req */
async function readJson(req) {
  const chunks = [];
  for await (const chunk of req) chunks.push(chunk);
  const body = Buffer.concat(chunks).toString();
  return body ? JSON.parse(body) : undefined;
}

const http = createServer(async (req, res) => {
  try {
    if (new URL(req.url ?? '/', 'http://localhost').pathname !== '/mcp')
      return res.writeHead(404).end();
    const id = req.headers['mcp-session-id'];
    let transport = typeof id === 'string' ? sessions.get(id) : undefined;
    if (transport === undefined) {
      transport = new StreamableHTTPServerTransport({
        sessionIdGenerator: () => randomUUID(),
        onsessioninitialized: (sid) => void sessions.set(sid, transport),
      });
      transport.onclose = () => transport.sessionId && sessions.delete(transport.sessionId);
      await createClawServer().connect(transport);
    }
    await transport.handleRequest(
      req,
      res,
      req.method === 'POST' ? await readJson(req) : undefined,
    );
  } catch (err) {
    process.stderr.write(`claws-http: ${String(err)}\n`);
    if (!res.headersSent) res.writeHead(500).end();
  }
});

const port = Number(process.env.PORT ?? 3000);
http.listen(port, process.env.HOST ?? '127.0.0.1', () => {
  const { port: actual } = /** @type {import('node:net').AddressInfo} */ (http.address());
  process.stderr.write(`claws-http: MCP at http://127.0.0.1:${actual}/mcp\n`);
});
const stop = () => http.close(() => void telemetry.shutdown().then(() => process.exit(0)));
process.once('SIGTERM', stop);
process.once('SIGINT', stop);
