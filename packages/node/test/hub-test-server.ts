/*
 * A stand-in for `mcpmeter ui` in the hub-push tests: answers GET /mcpmeter/hub
 * (as a hub, or 404 as a Collector would), keeps the OTLP/JSON bodies POSTed to
 * /v1/metrics, and counts the probes.
 */
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';

export interface TestHub {
  url: string;
  port: number;
  /** 'hub' answers the probe; '404' is a Collector or Jaeger; 'refuse' answers the probe, then 401s the pushes. */
  mode: 'hub' | '404' | 'refuse';
  /** POSTs turned down ('refuse'). */
  refused: number;
  probes: number;
  posts: OtlpMetrics[];
  close(): Promise<void>;
}

type AnyValue = { stringValue?: string; intValue?: string | number; doubleValue?: number };
export interface OtlpMetrics {
  resourceMetrics: {
    resource: { attributes: { key: string; value: AnyValue }[] };
    scopeMetrics: {
      scope: { name: string };
      metrics: {
        name: string;
        sum?: {
          dataPoints: {
            asInt?: string | number;
            asDouble?: number;
            attributes?: { key: string; value: AnyValue }[];
          }[];
        };
      }[];
    }[];
  }[];
}

export async function startTestHub(mode: TestHub['mode'], port = 0): Promise<TestHub> {
  const hub = { mode, probes: 0, refused: 0, posts: [] as OtlpMetrics[] } as TestHub;
  const server: Server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      if (req.method === 'GET' && req.url === '/mcpmeter/hub') {
        hub.probes++;
        if (hub.mode !== '404') {
          res.writeHead(200, { 'content-type': 'application/json' });
          res.end(JSON.stringify({ mcpmeter: 'hub', version: 'test' }));
        } else res.writeHead(404).end();
        return;
      }
      if (req.method === 'POST' && req.url === '/v1/metrics') {
        if (hub.mode === 'refuse') {
          hub.refused++;
          res.writeHead(401).end();
          return;
        }
        // an OTLP exporter's protobuf (OTEL_METRICS_EXPORTER=otlp) is not a push of ours
        if (!String(req.headers['content-type']).startsWith('application/json')) {
          res.writeHead(200, { 'content-type': 'application/x-protobuf' }).end();
          return;
        }
        hub.posts.push(JSON.parse(Buffer.concat(chunks).toString('utf8')) as OtlpMetrics);
        res.writeHead(200, { 'content-type': 'application/json' }).end('{}');
        return;
      }
      res.writeHead(req.method === 'POST' ? 200 : 404).end();
    });
  });
  await new Promise<void>((r) => server.listen(port, '127.0.0.1', r));
  hub.port = (server.address() as AddressInfo).port;
  hub.url = `http://127.0.0.1:${hub.port}`;
  hub.close = () =>
    new Promise<void>((r) => {
      server.closeAllConnections();
      server.close(() => r());
    });
  return hub;
}

const value = (v: AnyValue | undefined): unknown =>
  v?.stringValue ?? (v?.intValue !== undefined ? Number(v.intValue) : v?.doubleValue);

/** The resource attributes of a push, as a plain object. */
export function resourceOf(post: OtlpMetrics): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  for (const kv of post.resourceMetrics[0]?.resource.attributes ?? [])
    out[kv.key] = value(kv.value);
  return out;
}

/** The value of counter `name` in a push (summed over its data points), or undefined. */
export function counterOf(post: OtlpMetrics, name: string): number | undefined {
  let found: number | undefined;
  for (const rm of post.resourceMetrics)
    for (const sm of rm.scopeMetrics)
      for (const m of sm.metrics)
        if (m.name === name)
          for (const dp of m.sum?.dataPoints ?? [])
            found = (found ?? 0) + Number(dp.asInt ?? dp.asDouble ?? 0);
  return found;
}
