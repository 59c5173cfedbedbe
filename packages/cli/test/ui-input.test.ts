/*
 * What the hub does with bad and hostile input, taken ports, other hosts and
 * auth — in-process through startHub and as the `mcpmeter ui` command.
 */
import { spawn, spawnSync } from 'node:child_process';
import { request } from 'node:http';
import { createServer, type Server } from 'node:net';
import { gzipSync } from 'node:zlib';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Diagnostics } from '../src/diagnostics.js';
import { MAIN_HELP } from '../src/main.js';
import { HubListenError, startHub, type Hub } from '../src/ui/hub.js';
import { UI_HELP } from '../src/ui/ui.js';
import { BIN, parseProm, waitFor } from './helpers.js';
import { getJson } from './hub-helpers.js';

let hub: Hub;
const lines: string[] = [];

beforeAll(async () => {
  hub = await startHub({
    port: 0,
    otlpPort: 0,
    diagnostics: new Diagnostics((l) => lines.push(l)),
  });
});
afterAll(() => hub?.close());

const post = (path: string, body: Buffer | string, headers: Record<string, string>) =>
  fetch(`${hub.otlpUrl}${path}`, { method: 'POST', body, headers });
const JSON_TYPE = { 'content-type': 'application/json' };

/** OTLP/JSON metrics of one process: a gauge with the given names, attributes and value. */
function gaugeBody(service: string, metric: string, attributes: Record<string, string>) {
  const kv = (o: Record<string, string>) =>
    Object.entries(o).map(([key, v]) => ({ key, value: { stringValue: v } }));
  return JSON.stringify({
    resourceMetrics: [
      {
        resource: { attributes: kv({ 'service.name': service, 'service.instance.id': 'evil-1' }) },
        scopeMetrics: [
          {
            scope: { name: 'evil"scope\nx' },
            metrics: [
              {
                name: metric,
                description: 'help with "quotes"\nand a newline \\ backslash',
                unit: '{thing}',
                gauge: {
                  dataPoints: [
                    {
                      attributes: kv(attributes),
                      timeUnixNano: String(Date.now() * 1e6),
                      asDouble: 1.5,
                    },
                  ],
                },
              },
            ],
          },
        ],
      },
    ],
  });
}

describe('malformed and oversize bodies', () => {
  it('answers 400 with a reason, 413, 415, and says each kind once on stderr', async () => {
    for (let i = 0; i < 3; i++) {
      const r = await post('/v1/traces', '{', JSON_TYPE);
      expect(r.status).toBe(400);
      expect(await r.text()).toBe('the body is not JSON\n');
    }
    const notArray = await post('/v1/traces', '{"resourceSpans":"x"}', JSON_TYPE);
    expect(notArray.status).toBe(400);
    expect(await notArray.text()).toMatch(/not an array/);
    const noIds = await post(
      '/v1/traces',
      JSON.stringify({ resourceSpans: [{ scopeSpans: [{ spans: [{ name: 'x' }] }] }] }),
      JSON_TYPE,
    );
    expect(noIds.status).toBe(400);
    const depth = 2000;
    const deep = `${'{"arrayValue":{"values":['.repeat(depth)}{"stringValue":"x"}${']}}'.repeat(depth)}`;
    const nested = await post(
      '/v1/metrics',
      `{"resourceMetrics":[{"resource":{"attributes":[{"key":"k","value":${deep}}]}}]}`,
      JSON_TYPE,
    );
    expect(nested.status).toBe(400);
    expect(await nested.text()).toMatch(/nests too deep/);
    const garbage = await post('/v1/metrics', Buffer.from([0x0a, 0xff, 0xff, 0xff, 0x0f]), {
      'content-type': 'application/x-protobuf',
    });
    expect(garbage.status).toBe(400);
    expect(await garbage.text()).toMatch(/not ExportMetricsServiceRequest protobuf/);
    expect((await post('/v1/traces', '{}', { 'content-type': 'text/plain' })).status).toBe(415);
    const huge = Buffer.alloc(16 * 1024 * 1024 + 1, 0x20);
    expect((await post('/v1/traces', huge, JSON_TYPE)).status).toBe(413);
    expect(await chunkedOversize()).toBe(413);
    const bomb = gzipSync(Buffer.alloc(20 * 1024 * 1024, 0x20));
    expect(
      (await post('/v1/metrics', bomb, { ...JSON_TYPE, 'content-encoding': 'gzip' })).status,
    ).toBe(413);
    const badGzip = await post('/v1/metrics', 'nope', { ...JSON_TYPE, 'content-encoding': 'gzip' });
    expect(badGzip.status).toBe(400);
    const gz = gzipSync(gaugeBody('zipped', 'zipped.gauge', {}));
    expect(
      (await post('/v1/metrics', gz, { ...JSON_TYPE, 'content-encoding': 'gzip' })).status,
    ).toBe(200);

    expect(lines.every((l) => l.startsWith('mcpmeter: ') && l.endsWith('\n'))).toBe(true);
    expect(lines.filter((l) => l.includes('the body is not JSON'))).toHaveLength(1);
    expect(lines.filter((l) => l.includes('larger than'))).toHaveLength(1);
    // One line per kind: malformed, type, size, gzip.
    expect(lines).toHaveLength(4);
    const { body } = await getJson(`${hub.url}api/overview`);
    expect(body.processes.map((p: any) => p.service)).toContain('zipped');
  });

  it('answers 503 with Retry-After while too many bytes are being read at once', async () => {
    const MiB = 1024 * 1024;
    const open = Array.from({ length: 5 }, () => {
      const req = request(`${hub.otlpUrl}/v1/traces`, {
        method: 'POST',
        headers: { 'content-type': 'application/json', 'transfer-encoding': 'chunked' },
      });
      const answer = new Promise<{ status: number; retry?: string }>((resolve) => {
        req.on('response', (res) => {
          res.resume();
          resolve({ status: res.statusCode!, retry: res.headers['retry-after'] as string });
        });
        // The hub closes a connection 2 s after its 503, while the client may still write.
        req.on('error', () => resolve({ status: 0 }));
      });
      return { req, answer };
    });
    // 5 × 15 MiB, none finished: more than the 64 MiB read at once.
    for (let i = 0; i < 15; i++) {
      for (const o of open) if (!o.req.destroyed) o.req.write(Buffer.alloc(MiB, 0x20));
      await new Promise((r) => setTimeout(r, 20));
    }
    for (const o of open) if (!o.req.destroyed) o.req.end();
    const answers = await Promise.all(open.map((o) => o.answer));
    expect(answers).toContainEqual({ status: 503, retry: '1' });
    expect(answers.every((a) => [503, 400, 0].includes(a.status))).toBe(true);
    // Nothing stays counted: a small request goes through again.
    expect((await post('/v1/traces', '{}', JSON_TYPE)).status).toBe(200);
  });

  it('escapes hostile names in /metrics and the API', async () => {
    const service = `evil "svc"\nline2 \\ ${'x'.repeat(20_000)}`;
    const value = 'va"l\\ue\nnew';
    const r = await post(
      '/v1/metrics',
      gaugeBody(service, 'weird"metric\nname{}', { 'we"ird\nkey': value, le: 'mine' }),
      JSON_TYPE,
    );
    expect(r.status).toBe(200);
    const text = await (await fetch(`${hub.url}metrics`)).text();
    for (const line of text.split('\n')) {
      if (line === '') continue;
      expect(line).toMatch(/^(# (HELP|TYPE) [a-zA-Z_:][\w:]* .*|[a-zA-Z_:][\w:]*(\{.*\})? \S+)$/);
    }
    const sample = parseProm(text).find((s) => s.name === 'weird_metric_name_');
    expect(sample).toMatchObject({ value: 1.5 });
    expect(sample!.labels.service_name).toBe(service);
    expect(sample!.labels.we_ird_key).toBe(value);
    expect(text).toContain(
      '# HELP weird_metric_name_ help with "quotes"\\nand a newline \\\\ backslash',
    );
    const { body } = await getJson(`${hub.url}api/overview`);
    expect(body.processes.find((p: any) => p.id === 'evil-1').service).toBe(service);
  });

  it('answers 404 to unknown routes and 403 to a foreign Host', async () => {
    expect((await fetch(`${hub.url}v1/traces`)).status).toBe(404);
    expect((await fetch(`${hub.otlpUrl}/`)).status).toBe(404);
    const status = await new Promise<number>((resolve, reject) => {
      const req = request(
        `${hub.url}api/overview`,
        { headers: { host: 'evil.example:4320' } },
        (res) => {
          res.resume();
          resolve(res.statusCode!);
        },
      );
      req.on('error', reject);
      req.end();
    });
    expect(status).toBe(403);
  });
});

/** 17 MiB without a Content-Length, in 1 MiB chunks. */
function chunkedOversize(): Promise<number> {
  return new Promise((resolve, reject) => {
    const req = request(`${hub.otlpUrl}/v1/traces`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', 'transfer-encoding': 'chunked' },
    });
    req.on('response', (res) => {
      res.resume();
      resolve(res.statusCode!);
    });
    req.on('error', (err) => reject(err));
    const chunk = Buffer.alloc(1024 * 1024, 0x20);
    let sent = 0;
    const pump = () => {
      while (sent < 17) {
        sent++;
        if (!req.write(chunk)) return void req.once('drain', pump);
      }
      req.end();
    };
    pump();
  });
}

describe('ports, hosts and auth', () => {
  let busy: Server;
  let busyPort: number;
  beforeAll(async () => {
    busy = createServer();
    await new Promise<void>((r) => busy.listen(0, '127.0.0.1', r));
    busyPort = (busy.address() as { port: number }).port;
  });
  afterAll(() => new Promise<void>((r) => busy.close(() => r())));

  const inUse = (p: number) =>
    `ui: 127.0.0.1:${p} is in use (a collector or Jaeger?); start the hub with --otlp-port <n> and point processes at it with OTEL_EXPORTER_OTLP_ENDPOINT=http://127.0.0.1:<n>`;

  it('says in one line that the OTLP port is in use, exit status 1', async () => {
    const err = await startHub({ port: 0, otlpPort: busyPort }).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(HubListenError);
    expect((err as Error).message).toBe(inUse(busyPort));
    const run = spawnSync(
      process.execPath,
      [BIN, 'ui', '--otlp-port', String(busyPort), '--port', '0'],
      {
        encoding: 'utf8',
        timeout: 20_000,
      },
    );
    expect(run.status).toBe(1);
    expect(run.stdout).toBe('');
    expect(run.stderr).toBe(`mcpmeter: ${inUse(busyPort)}\n`);
  });

  it('refuses another host than loopback without auth (usage line, exit 2)', async () => {
    await expect(startHub({ host: '0.0.0.0', port: 0, otlpPort: 0 })).rejects.toThrow(/needs auth/);
    const run = spawnSync(process.execPath, [BIN, 'ui', '--host', '0.0.0.0'], {
      encoding: 'utf8',
      timeout: 20_000,
    });
    expect(run.status).toBe(2);
    expect(run.stderr.trim().split('\n')).toEqual([
      'mcpmeter: ui on "0.0.0.0" (not loopback) needs --auth-token or --auth-user/--auth-password (see "mcpmeter --help")',
    ]);
  });

  it('asks for the credentials when given them, except on the probe', async () => {
    const guarded = await startHub({ port: 0, otlpPort: 0, auth: { bearerToken: 's3cret' } });
    try {
      const bearer = { authorization: 'Bearer s3cret' };
      const open = await fetch(`${guarded.url}api/overview`);
      expect(open.status).toBe(401);
      expect(open.headers.get('www-authenticate')).toMatch(/^Bearer/);
      expect((await fetch(`${guarded.url}api/overview`, { headers: bearer })).status).toBe(200);
      expect((await fetch(`${guarded.url}metrics`)).status).toBe(401);
      const push = { method: 'POST', body: '{}', headers: JSON_TYPE };
      expect((await fetch(`${guarded.otlpUrl}/v1/traces`, push)).status).toBe(401);
      const authed = { ...push, headers: { ...JSON_TYPE, ...bearer } };
      expect((await fetch(`${guarded.otlpUrl}/v1/traces`, authed)).status).toBe(200);
      expect((await fetch(`${guarded.otlpUrl}/mcpmeter/hub`)).status).toBe(200);
    } finally {
      await guarded.close();
    }
  });

  it('runs as `mcpmeter ui`: prints the URL, serves, stops on SIGTERM', async () => {
    const child = spawn(process.execPath, [BIN, 'ui', '--port', '0', '--otlp-port', '0'], {
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let out = '';
    let err = '';
    child.stdout.on('data', (d: Buffer) => (out += d.toString()));
    child.stderr.on('data', (d: Buffer) => (err += d.toString()));
    const m = await waitFor(
      () =>
        /^mcpmeter ui: (http:\/\/127\.0\.0\.1:\d+\/) \(OTLP on (http:\/\/127\.0\.0\.1:\d+)\)\n$/.exec(
          out,
        ) ?? undefined,
      () => out + err,
    );
    expect((await getJson(`${m[1]}api/overview`)).status).toBe(200);
    expect((await getJson(`${m[2]}/mcpmeter/hub`)).body.mcpmeter).toBe('hub');
    const exited = new Promise<number | null>((r) => child.once('exit', (code) => r(code)));
    child.kill('SIGTERM');
    expect(await exited).toBe(0);
    expect(err).toBe('');
  });

  it('has help that the main help points to', () => {
    const run = spawnSync(process.execPath, [BIN, 'ui', '--help'], { encoding: 'utf8' });
    expect(run.stdout).toBe(UI_HELP);
    expect(MAIN_HELP).toMatch(/^ {2}ui \[options\]/m);
  });
});
