import { context, propagation, ROOT_CONTEXT, trace } from '@opentelemetry/api';
import { InMemorySpanExporter } from '@opentelemetry/sdk-trace';
import express from 'express';
import { Hono } from 'hono';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { register, type RegisterHandle } from '../src/index.js';
import { captureStderr } from '../../../test-utils/stderr.js';

let handle: RegisterHandle | undefined;
afterEach(async () => {
  await handle?.shutdown();
  handle = undefined;
});

function listen(server: Server): Promise<string> {
  return new Promise((r) =>
    server.listen(0, '127.0.0.1', () =>
      r(`http://127.0.0.1:${(server.address() as AddressInfo).port}`),
    ),
  );
}

describe('register()', () => {
  it('serves /metrics on a standalone server with target_info and runtime metrics', async () => {
    handle = register({
      serviceName: 'svc-a',
      serviceVersion: '1.2.3',
      prometheus: { port: 0, host: '127.0.0.1' },
      traces: { exporter: 'none' },
      handleSignals: false,
    });
    await handle.ready;
    expect(handle.metricsUrl).toMatch(/^http:\/\/127\.0\.0\.1:\d+\/metrics$/);
    const res = await fetch(handle.metricsUrl!);
    expect(res.status).toBe(200);
    const body = await res.text();
    expect(body).toMatch(/target_info\{[^}]*service_name="svc-a"/);
    expect(body).toMatch(/service_version="1.2.3"/);
    // one per process (semconv), so copies of one stdio server are told apart
    expect(body).toMatch(
      /target_info\{[^}]*service_instance_id="[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}"/,
    );
    expect(body).toMatch(/v8js_memory_heap_used/);
    expect(body).toMatch(/v8js_memory_heap_limit\S* \d+/);
    expect(body).not.toMatch(/process_command_args/);
    expect((await fetch(handle.metricsUrl!.replace('/metrics', '/other'))).status).toBe(404);
    expect((await fetch(handle.metricsUrl!, { method: 'POST' })).status).toBe(405);
  });

  it('returns the same handle when called twice', async () => {
    handle = register({
      prometheus: { port: 0 },
      traces: { exporter: 'none' },
      handleSignals: false,
    });
    const again = register({ prometheus: { port: 0 } });
    expect(again).toBe(handle);
    await handle.ready;
  });

  it('can register again after shutdown', async () => {
    const first = register({
      prometheus: { mode: 'mount' },
      traces: { exporter: 'none' },
      handleSignals: false,
    });
    await first.shutdown();
    await first.shutdown(); // idempotent
    handle = register({
      prometheus: { mode: 'mount' },
      traces: { exporter: 'none' },
      handleSignals: false,
    });
    expect(handle).not.toBe(first);
  });

  it("mount mode: serves from the app's own node:http server and opens no port", async () => {
    handle = register({
      serviceName: 'mounted',
      prometheus: { mode: 'mount' },
      traces: { exporter: 'none' },
      handleSignals: false,
    });
    await handle.ready;
    expect(handle.metricsUrl).toBeUndefined();
    const server = createServer((req, res) => {
      if (req.url === '/metrics') return handle!.metricsHandler!(req, res);
      res.end('app');
    });
    const base = await listen(server);
    try {
      const body = await (await fetch(`${base}/metrics`)).text();
      expect(body).toMatch(/target_info\{[^}]*service_name="mounted"/);
      expect(await (await fetch(`${base}/`)).text()).toBe('app');
    } finally {
      server.close();
    }
  });

  it('mount mode: serves from an Express app', async () => {
    handle = register({
      serviceName: 'express-app',
      prometheus: { mode: 'mount' },
      traces: { exporter: 'none' },
      handleSignals: false,
    });
    const app = express();
    app.get('/metrics', handle.metricsHandler!);
    const server = createServer(app);
    const base = await listen(server);
    try {
      const res = await fetch(`${base}/metrics`);
      expect(res.status).toBe(200);
      expect(await res.text()).toMatch(/service_name="express-app"/);
    } finally {
      server.close();
    }
  });

  it('mount mode: serves from a Hono app through the Web handler', async () => {
    handle = register({
      serviceName: 'hono-app',
      prometheus: { mode: 'mount' },
      traces: { exporter: 'none' },
      handleSignals: false,
    });
    const app = new Hono();
    app.get('/metrics', (c) => handle!.fetchMetricsHandler!(c.req.raw));
    const res = await app.request('/metrics', {
      headers: { accept: 'application/openmetrics-text' },
    });
    expect(res.status).toBe(200);
    expect(res.headers.get('content-type')).toMatch(/openmetrics/);
    expect(await res.text()).toMatch(/service_name="hono-app"/);
  });

  it('a port in use rejects ready with a clear error, and the app keeps working', async () => {
    const blocker = createServer();
    const base = await listen(blocker);
    const port = Number(new URL(base).port);
    try {
      handle = register({
        prometheus: { port, host: '127.0.0.1' },
        traces: { exporter: 'none' },
        handleSignals: false,
      });
      await expect(handle.ready).rejects.toMatchObject({
        name: 'ConfigurationError',
        setting: 'OTEL_EXPORTER_PROMETHEUS_PORT',
        message: expect.stringMatching(
          /could not listen on 127\.0\.0\.1:\d+ \(EADDRINUSE\): the port is in use by another process\. Set OTEL_EXPORTER_PROMETHEUS_PORT.*The app keeps running/,
        ),
      });
      // telemetry still records, and the app's tracer works
      trace.getTracer('t').startSpan('still-works').end();
      handle.meterProvider.getMeter('m').createCounter('c').add(1);
    } finally {
      blocker.close();
    }
  });

  it('an unreachable collector is said once on stderr and does not reject ready', async () => {
    const blocker = createServer();
    const base = await listen(blocker);
    blocker.close(); // a port nobody listens on now
    const lines = captureStderr();
    try {
      handle = register({
        prometheus: { mode: 'mount' },
        traces: { endpoint: `${base}/v1/traces` },
        handleSignals: false,
      });
      await expect(handle.ready).resolves.toBeUndefined();
      await vi.waitFor(() =>
        expect(lines.some((l) => /no OTLP collector answers/.test(l))).toBe(true),
      );
      expect(
        lines.filter((l) => /no OTLP collector answers at .* \(ECONNREFUSED\)/.test(l)),
      ).toHaveLength(1);
    } finally {
      lines.restore();
    }
  });

  it('never throws on hostile options: one line each, the defaults used, ready resolves', async () => {
    const lines = captureStderr();
    const before = process.env.OTEL_EXPORTER_PROMETHEUS_PORT;
    process.env.OTEL_EXPORTER_PROMETHEUS_PORT = '0'; // where the default of a bad port goes
    try {
      handle = register({
        prometheus: {
          port: 'abc' as unknown as number,
          mode: 'sideways' as 'server',
          host: '127.0.0.1',
        },
        metrics: { exporter: 'graphite' as 'none', views: [null] as never },
        traces: { exporter: 'none' },
        logLevel: 'loud' as 'info',
        handleSignals: false,
      });
      await expect(handle.ready).resolves.toBeUndefined();
      const ours = lines.filter((l) => l.startsWith('mcpmeter:'));
      for (const setting of [
        'prometheus.port',
        'prometheus.mode',
        'metrics.exporter',
        'metrics.views',
        'logLevel',
      ]) {
        expect(
          ours.filter((l) => l.includes(`option ${setting}=`)),
          setting,
        ).toHaveLength(1);
      }
      expect(ours).toHaveLength(5);
      expect(handle.metricsUrl).toMatch(/^http:\/\/127\.0\.0\.1:\d+\/metrics$/);
    } finally {
      lines.restore();
      if (before === undefined) delete process.env.OTEL_EXPORTER_PROMETHEUS_PORT;
      else process.env.OTEL_EXPORTER_PROMETHEUS_PORT = before;
    }
  });

  it.each([null, 'x', 42, [{}]])('register(%o) is one line and a working handle', async (bad) => {
    const lines = captureStderr();
    try {
      handle = register(bad as never);
      await handle.ready;
      expect(
        lines.filter((l) => l.startsWith('mcpmeter: register() takes an options object')),
      ).toHaveLength(1);
    } finally {
      lines.restore();
    }
  });

  it('serves spec names with exemplars over OpenMetrics by default', async () => {
    handle = register({
      serviceName: 'exemplary',
      prometheus: { port: 0, host: '127.0.0.1' },
      // Exemplars point at traces, so spans must have somewhere to go.
      traces: { spanExporter: new InMemorySpanExporter() },
      handleSignals: false,
    });
    await handle.ready;
    const hist = handle.meterProvider
      .getMeter('t')
      .createHistogram('mcp.server.operation.duration', { unit: 's' });
    let traceId = '';
    trace.getTracer('t').startActiveSpan('op', (span) => {
      traceId = span.spanContext().traceId;
      hist.record(0.03, { 'mcp.method.name': 'tools/call' });
      span.end();
    });
    const om = await fetch(handle.metricsUrl!, {
      headers: { accept: 'application/openmetrics-text; version=1.0.0' },
    });
    expect(om.headers.get('content-type')).toMatch(/application\/openmetrics-text/);
    const body = await om.text();
    expect(body).toMatch(
      /mcp_server_operation_duration_seconds_bucket\{[^}]*le="0.05"[^}]*\} 1 # \{trace_id="([0-9a-f]{32})",span_id="[0-9a-f]{16}"\} 0.03/,
    );
    expect(body).toContain(`trace_id="${traceId}"`);
    expect(body.trimEnd().endsWith('# EOF')).toBe(true);
    const text = await (await fetch(handle.metricsUrl!)).text();
    expect(text).toMatch(/mcp_server_operation_duration_seconds_count\{[^}]*\} 1/);
    expect(text).not.toContain('trace_id');
  });

  it('records no spans with OTEL_TRACES_EXPORTER=none, yet passes an incoming trace context on', async () => {
    handle = register({
      prometheus: { mode: 'mount' },
      traces: { exporter: 'none' },
      runtimeMetrics: false,
      handleSignals: false,
    });
    const incoming = '00-0af7651916cd43dd8448eb211c80319c-b7ad6b7169203331-01';
    const parent = propagation.extract(ROOT_CONTEXT, { traceparent: incoming });
    const outgoing: Record<string, string> = {};
    context.with(parent, () => {
      trace.getTracer('t').startActiveSpan('op', (span) => {
        expect(span.isRecording()).toBe(false);
        propagation.inject(context.active(), outgoing);
        span.end();
      });
    });
    expect(outgoing.traceparent).toBe(incoming);
  });

  it('offers the official exporter as an engine, and otel-js naming on ours', async () => {
    handle = register({
      prometheus: { mode: 'mount', engine: 'otel' },
      traces: { exporter: 'none' },
      handleSignals: false,
    });
    handle.meterProvider.getMeter('t').createHistogram('x.duration', { unit: 's' }).record(1);
    const server = createServer((req, res) => handle!.metricsHandler!(req, res));
    const base = await listen(server);
    try {
      const body = await (await fetch(`${base}/metrics`)).text();
      expect(body).toMatch(/^x_duration_count/m);
      expect(body).not.toMatch(/x_duration_seconds/);
    } finally {
      server.close();
    }
  });

  it('protects the endpoint with a bearer token when asked', async () => {
    handle = register({
      prometheus: { port: 0, host: '127.0.0.1', auth: { bearerToken: 's3cret' } },
      traces: { exporter: 'none' },
      handleSignals: false,
    });
    await handle.ready;
    const denied = await fetch(handle.metricsUrl!);
    expect(denied.status).toBe(401);
    expect(denied.headers.get('www-authenticate')).toMatch(/Bearer/);
    const ok = await fetch(handle.metricsUrl!, { headers: { authorization: 'Bearer s3cret' } });
    expect(ok.status).toBe(200);
  });

  it('a malformed auth option serves nothing and says how to fix it', async () => {
    handle = register({
      prometheus: { mode: 'mount', auth: { bearerToken: '' } },
      traces: { exporter: 'none' },
      handleSignals: false,
    });
    await expect(handle.ready).rejects.toMatchObject({ setting: 'prometheus.auth' });
    expect(handle.metricsHandler).toBeUndefined();
  });
});
