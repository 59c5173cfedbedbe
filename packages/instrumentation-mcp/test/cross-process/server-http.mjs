// A stateful Streamable HTTP MCP server with no telemetry code on 127.0.0.1 (port
// 0), SDK generation from argv[2]; prints "listening PORT" on stderr.
import { randomUUID } from 'node:crypto';
import { createServer } from 'node:http';
import { registerTools } from './tools.mjs';

const sdk = process.argv[2];
const { McpServer } =
  sdk === 'sdk1'
    ? await import('@modelcontextprotocol/sdk/server/mcp.js')
    : await import('@modelcontextprotocol/server');
const { StreamableHTTPServerTransport } =
  await import('@modelcontextprotocol/sdk/server/streamableHttp.js');
const { WebStandardStreamableHTTPServerTransport } = await import('@modelcontextprotocol/server');

const sessions = new Map();
const readBody = async (req) => {
  const chunks = [];
  for await (const c of req) chunks.push(c);
  return Buffer.concat(chunks);
};

async function bridge(transport, req, res) {
  const body = req.method === 'POST' ? await readBody(req) : undefined;
  const headers = new Headers();
  for (const [k, v] of Object.entries(req.headers)) if (typeof v === 'string') headers.set(k, v);
  const response = await transport.handleRequest(
    new Request(`http://${req.headers.host}${req.url}`, { method: req.method, headers, body }),
  );
  res.writeHead(response.status, Object.fromEntries(response.headers.entries()));
  if (response.body === null) return res.end();
  for await (const chunk of response.body) res.write(chunk);
  res.end();
}

const http = createServer(async (req, res) => {
  try {
    const sid = req.headers['mcp-session-id'];
    let transport = typeof sid === 'string' ? sessions.get(sid) : undefined;
    if (transport === undefined) {
      const options = {
        sessionIdGenerator: () => randomUUID(),
        enableJsonResponse: true,
        onsessioninitialized: (id) => sessions.set(id, transport),
      };
      transport =
        sdk === 'sdk1'
          ? new StreamableHTTPServerTransport(options)
          : new WebStandardStreamableHTTPServerTransport(options);
      const server = new McpServer({ name: `http-${sdk}`, version: '1.0.0' });
      registerTools(server);
      await server.connect(transport);
    }
    if (sdk === 'sdk1') {
      const body =
        req.method === 'POST' ? JSON.parse((await readBody(req)).toString() || 'null') : undefined;
      await transport.handleRequest(req, res, body);
    } else {
      await bridge(transport, req, res);
    }
  } catch (err) {
    if (!res.headersSent) res.writeHead(500);
    res.end(String(err));
  }
});
http.listen(0, '127.0.0.1', () => process.stderr.write(`listening ${http.address().port}\n`));
process.on('SIGTERM', () => http.close());
