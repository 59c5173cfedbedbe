// A few lines of OTLP/HTTP JSON receiver for the demo, standing in for Jaeger.
import { createServer as createNetServer } from 'node:net';

/**
 * @typedef {{ traceId: string, spanId: string, parentSpanId: string, name: string, kind: string, service: string }} Span
 * @param {typeof import('node:http').createServer} createServer
 */
export async function listenOtlpJson(createServer) {
  /** @type {Span[]} */
  const spans = [];
  const kinds = ['unspecified', 'internal', 'server', 'client', 'producer', 'consumer'];
  const server = createServer((req, res) => {
    let body = '';
    req.on('data', (/** @type {Buffer} */ d) => (body += d.toString()));
    req.on('end', () => {
      try {
        const data = JSON.parse(body);
        for (const rs of data.resourceSpans ?? []) {
          const service =
            (rs.resource?.attributes ?? []).find((/** @type {any} */ a) => a.key === 'service.name')
              ?.value?.stringValue ?? '';
          for (const ss of rs.scopeSpans ?? []) {
            for (const s of ss.spans ?? []) {
              spans.push({
                traceId: s.traceId,
                spanId: s.spanId,
                parentSpanId: s.parentSpanId ?? '',
                name: s.name,
                kind: kinds[s.kind] ?? String(s.kind),
                service,
              });
            }
          }
        }
      } catch {
        // not JSON (metrics or logs would go elsewhere): ignore
      }
      res.writeHead(200, { 'content-type': 'application/json' }).end('{}');
    });
  });
  await new Promise((r) => server.listen(0, '127.0.0.1', () => r(undefined)));
  const addr = /** @type {import('node:net').AddressInfo} */ (server.address());
  return {
    url: `http://127.0.0.1:${addr.port}`,
    spans,
    /** @param {(spans: Span[]) => boolean} predicate */
    async waitFor(predicate, timeoutMs = 20_000) {
      const deadline = Date.now() + timeoutMs;
      while (Date.now() < deadline && !predicate(spans))
        await new Promise((r) => setTimeout(r, 100));
      return spans;
    },
    close: () =>
      new Promise((r) => {
        server.close(() => r(undefined));
        server.closeAllConnections();
      }),
  };
}

/**
 * Ports for the three processes of `--once`, which bind them a moment later. They
 * come from below the kernel's ephemeral range (20000–32767), where no outgoing
 * connection takes its source port in the meantime, and are checked bindable.
 * @param {number} n
 */
export async function freePorts(n) {
  /** @type {any[]} the demo destructures as many as it asked for */
  const ports = [];
  let port = 20_000 + Math.floor(Math.random() * 12_000);
  while (ports.length < n) {
    const candidate = port++;
    const free = await new Promise((resolve) => {
      const srv = createNetServer();
      srv.once('error', () => resolve(false));
      srv.listen(candidate, '127.0.0.1', () => srv.close(() => resolve(true)));
    });
    if (free) ports.push(candidate);
  }
  return ports;
}
