import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { MeterProvider } from '@opentelemetry/sdk-metrics';
import express from 'express';
import { Hono } from 'hono';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  CONTENT_TYPE_OPENMETRICS,
  CONTENT_TYPE_TEXT,
  createFetchMetricsHandler,
  createHonoMetricsHandler,
  createMetricsHandler,
  PrometheusReader,
  startMetricsServer,
} from '../src/index.js';

const OM_ACCEPT =
  'application/openmetrics-text;version=1.0.0,text/plain;version=0.0.4;q=0.5,*/*;q=0.1';

let reader: PrometheusReader;
let provider: MeterProvider;

beforeAll(() => {
  reader = new PrometheusReader();
  provider = new MeterProvider({ readers: [reader] });
  provider
    .getMeter('http-test')
    .createCounter('scrape.test', { unit: '{request}' })
    .add(3, { route: '/x' });
});
afterAll(() => provider.shutdown());

async function listen(server: Server): Promise<string> {
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  return `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
}

describe('createMetricsHandler with node:http', () => {
  let base: string;
  let server: Server;
  beforeAll(async () => {
    server = createServer(createMetricsHandler(reader));
    base = await listen(server);
  });
  afterAll(() => new Promise<void>((r) => server.close(() => r())));

  it('serves text 0.0.4 by default and OpenMetrics when accepted', async () => {
    const text = await fetch(base);
    expect(text.status).toBe(200);
    expect(text.headers.get('content-type')).toBe(CONTENT_TYPE_TEXT);
    const body = await text.text();
    expect(body).toMatch(/^scrape_test_total\{route="\/x",otel_scope_name="http-test"\} 3$/m);
    expect(Number(text.headers.get('content-length'))).toBe(Buffer.byteLength(body));
    const om = await fetch(base, { headers: { accept: OM_ACCEPT } });
    expect(om.headers.get('content-type')).toBe(CONTENT_TYPE_OPENMETRICS);
    const omBody = await om.text();
    expect(omBody).toContain('# TYPE scrape_test counter\n');
    expect(omBody.endsWith('# EOF\n')).toBe(true);
  });

  it('answers HEAD without a body and other methods with 405', async () => {
    const head = await fetch(base, { method: 'HEAD' });
    expect(head.status).toBe(200);
    expect(head.headers.get('content-type')).toBe(CONTENT_TYPE_TEXT);
    expect(await head.text()).toBe('');
    const post = await fetch(base, { method: 'POST', body: 'x' });
    expect(post.status).toBe(405);
    expect(post.headers.get('allow')).toBe('GET, HEAD');
  });
});

describe('auth', () => {
  let server: Server;
  let base: string;
  beforeAll(async () => {
    const app = express();
    app.get('/bearer', createMetricsHandler(reader, { auth: { bearerToken: 's3cret' } }));
    app.get(
      '/basic',
      createMetricsHandler(reader, { auth: { username: 'prom', password: 'p@ss' } }),
    );
    app.get('/metrics', createMetricsHandler(reader));
    server = app.listen(0, '127.0.0.1');
    await new Promise((r) => server.once('listening', r));
    base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  });
  afterAll(() => new Promise<void>((r) => server.close(() => r())));

  it('mounts on Express', async () => {
    const res = await fetch(`${base}/metrics`);
    expect(res.status).toBe(200);
    expect(await res.text()).toContain('scrape_test_total');
  });

  it('requires the bearer token', async () => {
    const none = await fetch(`${base}/bearer`);
    expect(none.status).toBe(401);
    expect(none.headers.get('www-authenticate')).toBe('Bearer realm="metrics"');
    expect(
      (await fetch(`${base}/bearer`, { headers: { authorization: 'Bearer wrong' } })).status,
    ).toBe(401);
    const ok = await fetch(`${base}/bearer`, { headers: { authorization: 'Bearer s3cret' } });
    expect(ok.status).toBe(200);
  });

  it('requires basic credentials', async () => {
    const none = await fetch(`${base}/basic`);
    expect(none.status).toBe(401);
    expect(none.headers.get('www-authenticate')).toContain('Basic realm="metrics"');
    const good = Buffer.from('prom:p@ss').toString('base64');
    expect(
      (await fetch(`${base}/basic`, { headers: { authorization: `Basic ${good}` } })).status,
    ).toBe(200);
    const bad = Buffer.from('prom:nope').toString('base64');
    expect(
      (await fetch(`${base}/basic`, { headers: { authorization: `Basic ${bad}` } })).status,
    ).toBe(401);
  });

  it('rejects a malformed auth option at setup, naming it', () => {
    expect(() => createMetricsHandler(reader, { auth: { bearerToken: '' } })).toThrow(
      /option "auth"/,
    );
    expect(() =>
      createMetricsHandler(reader, { auth: { username: 'a:b', password: 'x' } }),
    ).toThrow(/option "auth"/);
  });
});

describe('createHonoMetricsHandler', () => {
  it('serves a Hono app with Web Request/Response', async () => {
    const app = new Hono();
    app.get('/metrics', createHonoMetricsHandler(reader, { auth: { bearerToken: 't' } }));
    const denied = await app.request('/metrics');
    expect(denied.status).toBe(401);
    const res = await app.request('/metrics', {
      headers: { accept: OM_ACCEPT, authorization: 'Bearer t' },
    });
    expect(res.status).toBe(200);
    expect(res.headers.get('content-type')).toBe(CONTENT_TYPE_OPENMETRICS);
    expect(await res.text()).toContain('scrape_test_total{route="/x"');
    const head = await app.request('/metrics', {
      method: 'HEAD',
      headers: { authorization: 'Bearer t' },
    });
    expect(head.status).toBe(200);
    expect(await head.text()).toBe('');
  });
});

describe('startMetricsServer', () => {
  it('serves the path, 404 elsewhere, 405 for POST, and closes', async () => {
    const server = await startMetricsServer(reader, { host: '127.0.0.1', port: 0 });
    expect(server.url).toMatch(/^http:\/\/127\.0\.0\.1:\d+\/metrics$/);
    expect((await fetch(server.url)).status).toBe(200);
    expect((await fetch(`${server.url}?x=1`)).status).toBe(200);
    expect((await fetch(server.url.replace('/metrics', '/other'))).status).toBe(404);
    expect((await fetch(server.url, { method: 'POST' })).status).toBe(405);
    await server.close();
    await expect(fetch(server.url)).rejects.toThrow();
  });

  it('rejects once with a clear error when the port is taken', async () => {
    const first = await startMetricsServer(reader, { host: '127.0.0.1', port: 0 });
    const port = Number(new URL(first.url).port);
    const err = await startMetricsServer(reader, { host: '127.0.0.1', port }).catch(
      (e: Error) => e,
    );
    expect(err).toBeInstanceOf(Error);
    expect((err as Error).message).toMatch(/EADDRINUSE/);
    expect((err as Error).message).toContain('OTEL_EXPORTER_PROMETHEUS_PORT');
    await first.close();
  });

  it('rejects with a clear error for a host that is not this machine', async () => {
    const err = await startMetricsServer(reader, { host: 'no-such-host.invalid', port: 0 }).catch(
      (e: Error) => e,
    );
    expect((err as Error).message).toContain('OTEL_EXPORTER_PROMETHEUS_HOST');
  });

  it('reads OTEL_EXPORTER_PROMETHEUS_PORT and rejects a bad one', async () => {
    const before = process.env.OTEL_EXPORTER_PROMETHEUS_PORT;
    try {
      process.env.OTEL_EXPORTER_PROMETHEUS_PORT = 'ninety';
      await expect(startMetricsServer(reader, { host: '127.0.0.1' })).rejects.toThrow(
        /OTEL_EXPORTER_PROMETHEUS_PORT="ninety" is not a port number/,
      );
      process.env.OTEL_EXPORTER_PROMETHEUS_PORT = '0';
      const s = await startMetricsServer(reader, { host: '127.0.0.1' });
      expect(s.url).toMatch(/:\d+\/metrics$/);
      await s.close();
    } finally {
      if (before === undefined) delete process.env.OTEL_EXPORTER_PROMETHEUS_PORT;
      else process.env.OTEL_EXPORTER_PROMETHEUS_PORT = before;
    }
  });

  it('answers 500 with a diagnostic when the reader is not attached to a MeterProvider', async () => {
    const lonely = new PrometheusReader();
    const s = await startMetricsServer(lonely, { host: '127.0.0.1', port: 0 });
    const res = await fetch(s.url);
    expect(res.status).toBe(500);
    await s.close();
  });
});

describe('a large exposition', () => {
  it('is written in pieces with backpressure: the same bytes and content-length over node:http and fetch, as chunks and text()', async () => {
    const big = new PrometheusReader();
    const p = new MeterProvider({ readers: [big] });
    const h = p.getMeter('big').createHistogram('big.duration', { unit: 's' });
    // ~1 MB of text (many ~60K-char pieces), non-ASCII and a lone surrogate in a label
    for (let i = 0; i < 1500; i++) h.record(i / 100, { tool: `tool_${i}_ünï_${'x'.repeat(40)}` });
    h.record(1, { tool: 'lone \ud800 surrogate' });
    const server = createServer(createMetricsHandler(big));
    const base = await listen(server);
    try {
      const res = await fetch(base);
      const bytes = Buffer.from(await res.arrayBuffer());
      expect(bytes.length).toBeGreaterThan(500_000);
      expect(Number(res.headers.get('content-length'))).toBe(bytes.length);
      const result = await big.scrape('text');
      expect(result.byteLength).toBe(bytes.length);
      expect(result.chunks.length).toBeGreaterThan(3);
      expect(Buffer.concat(result.chunks).equals(bytes)).toBe(true);
      expect(result.text()).toBe(bytes.toString('utf8'));
      expect(result.text()).toContain('tool="lone \ufffd surrogate"');
      const web = await createFetchMetricsHandler(big)(new Request('http://x/metrics'));
      const webBytes = Buffer.from(await web.arrayBuffer());
      expect(Number(web.headers.get('content-length'))).toBe(webBytes.length);
      expect(webBytes.equals(bytes)).toBe(true);
    } finally {
      await new Promise<void>((r) => server.close(() => r()));
      await p.shutdown();
    }
  });
});
