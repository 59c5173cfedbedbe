/*
 * `mcpmeter ui` end to end, with real processes and a real browser (issue 19):
 * the hub (startHub), the demo's agent with its two MCP servers (stdio and
 * Streamable HTTP), and two copies of one stdio server started by the MCP SDK's
 * client with the SAME metrics port, so the second finds it taken. Nothing but
 * OTEL_EXPORTER_OTLP_ENDPOINT points them at the hub. The test makes a known
 * number of tool calls, then drives Debian's headless Chromium (playwright-core)
 * against the page through the data-testid contract of the design brief, and has
 * a real Prometheus scrape the hub's /metrics.
 *
 * Takes the screenshots of docs/ui.md (1366×768): overview.png, trace.png and
 * tool.png, into docs/ui/ with UPDATE_UI_SCREENSHOTS=1 (they are committed), else
 * into a temporary directory, so that a test run leaves the work tree clean:
 *   UPDATE_UI_SCREENSHOTS=1 npx vitest run test/ui.e2e.test.ts
 */
import { Client } from '@modelcontextprotocol/sdk/client/index.js';
import { StdioClientTransport } from '@modelcontextprotocol/sdk/client/stdio.js';
import { mkdirSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { startHub } from '../packages/cli/src/ui/hub.js';
import { launchChromium } from '../test-utils/chromium.js';
import { freePort } from '../test-utils/ports.js';
import { startNode, type Child } from '../test-utils/process.js';
import { startPrometheus, type RunningPrometheus } from '../test-utils/prometheus.js';

const agentScript = fileURLToPath(new URL('../examples/agent/agent.mjs', import.meta.url));
const serverDir = fileURLToPath(new URL('../examples/mcp-server/', import.meta.url));
const shotsDir =
  process.env.UPDATE_UI_SCREENSHOTS === '1'
    ? fileURLToPath(new URL('../docs/ui/', import.meta.url))
    : mkdtempSync(join(tmpdir(), 'mcpmeter-ui-shots-'));
const VIEWPORT = { width: 1366, height: 768 };

// What the callbacks that run in the page use (this tsconfig has no DOM lib; casts
// only: the callbacks are sent to the browser as source and cannot call test code).
declare const location: { hash: string };
interface PageElement {
  dataset: Record<string, string | undefined>;
  querySelector(selector: string): PageElement | null;
  textContent: string | null;
}

/**
 * The calls made on each copy of the stdio server: tool → [arguments, times]. The
 * exemplar test reads copy 0's `slow`: 30 ms sits inside the (20, 50] ms bucket, far
 * from a bound, where a span and its metric could land in neighbouring buckets.
 */
const COPY_CALLS: Record<string, [Record<string, unknown>, number]>[] = [
  { fast: [{}, 5], slow: [{ ms: 30 }, 3], failing: [{}, 2] },
  { fast: [{}, 3], slow: [{ ms: 2 }, 4], throwing: [{}, 1] },
];

// The API shapes of the brief, as far as the test reads them.
interface ApiProcess {
  id: string;
  service: string;
  pid: number;
  up: boolean;
}
interface ApiTool {
  process: string;
  service: string;
  tool: string;
  side: 'server' | 'client';
  calls: number;
}
interface ApiOverview {
  processes: ApiProcess[];
  tools: ApiTool[];
}
interface ApiTraceRow {
  traceId: string;
  root: string;
  service: string;
  durationMs: number;
  error: boolean;
  spanCount: number;
  processes: number;
}
interface ApiSpan {
  spanId: string;
  parentSpanId: string;
  name: string;
  kind: string | number;
  durationMs: number;
  attributes: Record<string, unknown>;
  process: { id: string; service: string; pid: number };
  depth: number;
}

type Hub = Awaited<ReturnType<typeof startHub>>;

const timings: Record<string, number> = {};
let phaseStart = Date.now();
function phase(name: string) {
  const now = Date.now();
  timings[name] = now - phaseStart;
  phaseStart = now;
}

let hub: Hub;
let pageUrl: string;
let agent: Child;
let agentErr = () => '';
const copies: { client: Client; transport: StdioClientTransport; stderr: () => string }[] = [];
let browser: Browser | undefined;
let page: Page;
let prometheus: RunningPrometheus | undefined;
/** process id in the hub, by role */
const ids: Record<'agent' | 'stdio' | 'http' | 'copy0' | 'copy1', string> = {
  agent: '',
  stdio: '',
  http: '',
  copy0: '',
  copy1: '',
};

async function api<T>(path: string): Promise<T> {
  const res = await fetch(new URL(path, pageUrl));
  if (!res.ok) throw new Error(`${path}: ${res.status} ${await res.text()}`);
  return (await res.json()) as T;
}

/** The agent's client side of its two tool calls. */
const AGENT_CLIENT_CALLS = { sharpen_claw: 1, slow: 1 };

/** The server-side tool calls the test expects in the hub: role → tool → count. */
function expectedServerCalls(): Record<string, Record<string, number>> {
  const out: Record<string, Record<string, number>> = {
    stdio: { sharpen_claw: 1 },
    http: { slow: 1 },
  };
  COPY_CALLS.forEach((calls, i) => {
    out[`copy${i}`] = Object.fromEntries(Object.entries(calls).map(([t, [, n]]) => [t, n]));
  });
  return out;
}

async function startCopy(metricsPort: number, env: Record<string, string>) {
  const transport = new StdioClientTransport({
    command: process.execPath,
    args: ['stdio.mjs'],
    cwd: serverDir,
    stderr: 'pipe',
    env: {
      ...(process.env as Record<string, string>),
      ...env,
      OTEL_EXPORTER_PROMETHEUS_PORT: String(metricsPort),
    },
  });
  let stderr = '';
  transport.stderr?.on('data', (d: Buffer) => (stderr += d.toString()));
  const client = new Client({ name: 'ui-e2e', version: '1.0.0' });
  await client.connect(transport);
  copies.push({ client, transport, stderr: () => stderr });
  return client;
}

beforeAll(async () => {
  phaseStart = Date.now();
  hub = await startHub({ host: '127.0.0.1', port: await freePort(), otlpPort: await freePort() });
  pageUrl = new URL('/', hub.url).href;
  phase('hub started');

  const common = {
    PATH: process.env.PATH ?? '',
    OTEL_EXPORTER_OTLP_ENDPOINT: hub.otlpUrl,
    OTEL_BSP_SCHEDULE_DELAY: '100',
    OTEL_EXPORTER_PROMETHEUS_HOST: '127.0.0.1',
  };
  // The agent as `pnpm demo` runs it (OTLP as JSON); it lingers until its stdin ends.
  agent = startNode([agentScript], {
    cwd: fileURLToPath(new URL('../examples/agent/', import.meta.url)),
    env: {
      ...common,
      OTEL_EXPORTER_OTLP_PROTOCOL: 'http/json',
      OTEL_EXPORTER_PROMETHEUS_PORT: String(await freePort()),
      STDIO_METRICS_PORT: String(await freePort()),
      HTTP_METRICS_PORT: String(await freePort()),
      AGENT_LINGER_MS: String(3600 * 1000),
      AGENT_LINGER_UNTIL_STDIN_ENDS: '1',
    },
  });
  agentErr = () => agent.stderr();

  // Two copies of one stdio server (OTLP as protobuf, register()'s default), one
  // metrics port: the second finds it taken and still shows in the hub.
  const sharedMetricsPort = await freePort();
  await startCopy(sharedMetricsPort, common);
  await vi.waitFor(
    async () =>
      expect((await fetch(`http://127.0.0.1:${sharedMetricsPort}/metrics`)).status).toBe(200),
    { timeout: 20_000, interval: 100 },
  );
  await startCopy(sharedMetricsPort, common);
  phase('processes started');

  await Promise.all(
    COPY_CALLS.map(async (calls, i) => {
      const { client } = copies[i]!;
      for (const [tool, [args, times]] of Object.entries(calls))
        for (let n = 0; n < times; n++) await client.callTool({ name: tool, arguments: args });
    }),
  );
  phase('copy calls made');

  // The agent's turn is in the hub when its trace holds its root (which ends last) and
  // the tools/call span of each of its two servers.
  await vi
    .waitFor(
      async () => {
        const row = (await api<ApiTraceRow[]>('api/traces?limit=200')).find((t) =>
          t.root.startsWith('invoke_agent'),
        );
        expect(row, 'a trace rooted in the agent').toBeDefined();
        const { spans } = await api<{ spans: ApiSpan[] }>(`api/traces/${row!.traceId}`);
        const served = (service: string) =>
          spans.some((x) => x.process.service === service && x.name.startsWith('tools/call'));
        expect([served('claws-stdio'), served('claws-http')]).toEqual([true, true]);
      },
      { timeout: 30_000, interval: 250 },
    )
    .catch(explain);
  phase('agent trace in the hub');

  // Every process pushed its metrics with every call counted (a push every 2 s).
  const pidOf = (i: number) => copies[i]!.transport.pid;
  await vi
    .waitFor(
      async () => {
        const o = await api<ApiOverview>('api/overview');
        const byService = (s: string) => o.processes.filter((p) => p.service === s);
        ids.agent = byService('claws-agent')[0]?.id ?? '';
        ids.http = byService('claws-http')[0]?.id ?? '';
        ids.copy0 = o.processes.find((p) => p.pid === pidOf(0))?.id ?? '';
        ids.copy1 = o.processes.find((p) => p.pid === pidOf(1))?.id ?? '';
        ids.stdio =
          byService('claws-stdio').find((p) => p.pid !== pidOf(0) && p.pid !== pidOf(1))?.id ?? '';
        expect(countsIn(o.tools)).toEqual(expectedCalls());
      },
      { timeout: 30_000, interval: 500 },
    )
    .catch(explain);
  phase('all counts in the hub');
}, 120_000);

/** Rethrows with what the processes printed. */
function explain(err: unknown): never {
  const copyErr = copies.map((c, i) => `copy${i} stderr:\n${c.stderr()}`).join('\n');
  throw new Error(
    `${err instanceof Error ? err.message : String(err)}\nagent stderr:\n${agentErr()}\n${copyErr}`,
  );
}

/**
 * The tools/call counts of an overview's tool rows (calls > 0), by role: the
 * servers' server side, and the agent's client side (each pushes on its own clock).
 */
function countsIn(tools: { process: string; tool: string; side: string; calls: number }[]) {
  const out: Record<string, Record<string, number>> = {};
  for (const [role, id] of Object.entries(ids)) {
    const side = role === 'agent' ? 'client' : 'server';
    for (const t of tools)
      if (id && t.process === id && t.side === side && t.calls > 0)
        (out[role] ??= {})[t.tool] = t.calls;
  }
  return out;
}
const expectedCalls = () => ({ ...expectedServerCalls(), agent: AGENT_CLIENT_CALLS });

afterAll(async () => {
  await browser?.close();
  await prometheus?.stop();
  for (const { client } of copies) await client.close().catch(() => {});
  if (agent) {
    agent.process.stdin?.end();
    const t = setTimeout(() => void agent.kill(), 15_000);
    await agent.exited;
    clearTimeout(t);
  }
  await hub?.close();
  if (process.env.UPDATE_UI_SCREENSHOTS !== '1') rmSync(shotsDir, { recursive: true, force: true });
  console.log(`ui e2e timings (ms): ${JSON.stringify(timings)}`);
}, 60_000);

describe('mcpmeter ui, end to end', () => {
  it('the second copy found the metrics port taken, and still runs', () => {
    expect(copies[1]!.stderr()).toMatch(/in use/);
    expect(copies[0]!.stderr()).not.toMatch(/in use/);
  });

  it('lists all five processes, up, on the page', async () => {
    browser = await launchChromium();
    page = await browser.newPage({ viewport: VIEWPORT });
    phase('browser started');
    await page.goto(pageUrl);
    const rows = page.locator('[data-testid=process-row]');
    await expect.poll(() => rows.count(), { timeout: 15_000 }).toBe(5);
    const listed = await rows.evaluateAll((els) =>
      els.map((e) => ({
        id: (e as unknown as PageElement).dataset.processId,
        service: (e as unknown as PageElement).dataset.service,
        up: (e as unknown as PageElement).dataset.up,
      })),
    );
    expect(listed.map((p) => p.id).sort()).toEqual(Object.values(ids).sort());
    expect(new Set(Object.values(ids)).size).toBe(5);
    expect(listed.every((p) => p.up === 'true')).toBe(true);
    expect(listed.map((p) => p.service).sort()).toEqual([
      'claws-agent',
      'claws-http',
      'claws-stdio',
      'claws-stdio',
      'claws-stdio',
    ]);
    phase('page: processes');
  });

  it('shows per-tool call counts equal to the calls made, per process', async () => {
    const read = () =>
      page.locator('[data-testid=tool-row]').evaluateAll((els) =>
        els.map((e) => {
          const d = (e as unknown as PageElement).dataset;
          const text =
            (e as unknown as PageElement).querySelector('[data-testid=tool-calls]')?.textContent ??
            '';
          return {
            process: d.processId ?? '',
            tool: d.tool ?? '',
            side: d.side ?? '',
            calls: Number(text.replace(/[^\d]/g, '')),
          };
        }),
      );
    // each server's side of the calls made on it, and the agent's side of its two
    await expect
      .poll(async () => countsIn(await read()), { timeout: 15_000 })
      .toEqual(expectedCalls());
    mkdirSync(shotsDir, { recursive: true });
    await page.screenshot({ path: join(shotsDir, 'overview.png') });
    phase('page: tool counts');
  });

  it('opens the slowest agent trace: spans from three processes, in parent order', async () => {
    const list = await api<ApiTraceRow[]>('api/traces?limit=50');
    // failed first, then slowest first; the slowest trace rooted in the agent (its
    // turn: an LLM call, then a tool call over stdio and one over HTTP)
    const slowest = list.find((t) => t.root.startsWith('invoke_agent'))!;
    expect(slowest, JSON.stringify(list)).toBeDefined();
    expect(slowest.processes).toBe(3);
    const rows = page.locator('[data-testid=trace-row]');
    await expect.poll(() => rows.count(), { timeout: 10_000 }).toBeGreaterThan(0);
    const pageOrder = await rows.evaluateAll((els) =>
      els.map((e) => (e as unknown as PageElement).dataset.traceId),
    );
    const index = pageOrder.indexOf(slowest.traceId);
    expect(index, 'the page lists the agent trace where the API does').toBe(
      list.findIndex((t) => t.traceId === slowest.traceId),
    );
    // the page's order is the API's (failed, then slowest, first)
    const apiNow = await api<ApiTraceRow[]>('api/traces?limit=50');
    expect(pageOrder.slice(0, index + 1)).toEqual(apiNow.slice(0, index + 1).map((t) => t.traceId));
    await rows.nth(index).click();
    await expect.poll(() => page.evaluate(() => location.hash)).toBe(`#/trace/${slowest.traceId}`);

    const spanRows = page.locator('[data-testid=waterfall] [data-testid=span-row]');
    await expect.poll(() => spanRows.count(), { timeout: 10_000 }).toBe(slowest.spanCount);
    const spans = await spanRows.evaluateAll((els) =>
      els.map((e) => {
        const d = (e as unknown as PageElement).dataset;
        return {
          spanId: d.spanId ?? '',
          parent: d.parentSpanId ?? '',
          process: d.processId ?? '',
          service: d.service ?? '',
          depth: Number(d.depth),
        };
      }),
    );
    expect(new Set(spans.map((s) => s.process))).toEqual(new Set([ids.agent, ids.stdio, ids.http]));
    // parent order: a span's parent is listed before it, one level up; a root at depth 0
    const seen = new Map<string, number>();
    for (const s of spans) {
      if (s.parent && spans.some((p) => p.spanId === s.parent)) {
        expect(seen.has(s.parent), `parent of ${s.spanId} listed before it`).toBe(true);
        expect(s.depth).toBe(seen.get(s.parent)! + 1);
      } else {
        expect(s.depth).toBe(0);
      }
      seen.set(s.spanId, s.depth);
    }
    // agent → MCP client → MCP server, across processes
    const detail = await api<{ spans: ApiSpan[] }>(`api/traces/${slowest.traceId}`);
    expect(spans.map((s) => s.spanId)).toEqual(detail.spans.map((s) => s.spanId));
    for (const server of ['claws-stdio', 'claws-http']) {
      const s = detail.spans.find(
        (x) => x.process.service === server && x.name.startsWith('tools/call'),
      )!;
      const parent = detail.spans.find((x) => x.spanId === s.parentSpanId)!;
      expect(parent.process.id).toBe(ids.agent);
      expect(s.depth).toBeGreaterThanOrEqual(2);
    }
    // a span opens its detail, with the tool series it counts in; that links to the tool
    const httpCall = detail.spans.find(
      (x) => x.process.id === ids.http && x.name === 'tools/call slow',
    )!;
    await page.locator(`[data-testid=span-row][data-span-id="${httpCall.spanId}"]`).click();
    await expect
      .poll(() => page.evaluate(() => location.hash))
      .toBe(`#/trace/${slowest.traceId}/${httpCall.spanId}`);
    const series = page.locator('[data-testid=span-series]');
    await series.waitFor({ timeout: 10_000 });
    expect(await series.innerText()).toMatch(
      /mcp_server_operation_duration_seconds\{.*gen_ai_tool_name="slow"/,
    );
    await page.screenshot({ path: join(shotsDir, 'trace.png') });
    await series.locator('a').click();
    const tool = page.locator('[data-testid=tool-detail]');
    await tool.waitFor({ timeout: 10_000 });
    expect(await tool.getAttribute('data-process-id')).toBe(ids.http);
    expect(await tool.getAttribute('data-tool')).toBe('slow');
    phase('page: trace');
  });

  it("goes from a latency bucket's exemplar to a trace holding that bucket's span", async () => {
    const tool = 'slow';
    // from the overview's tool row (a link to the tool's page)
    await page.goto(`${pageUrl}#/`);
    await page
      .locator(
        `[data-testid=tool-row][data-process-id="${ids.copy0}"][data-tool="${tool}"][data-side="server"]`,
      )
      .click();
    const detail = page.locator('[data-testid=tool-detail]');
    await detail.waitFor({ timeout: 10_000 }).catch(async (err: Error) => {
      throw new Error(`${err.message}\npage: ${await page.locator('body').innerText()}`);
    });
    expect(await page.evaluate(() => location.hash)).toBe(
      `#/tool/${encodeURIComponent(ids.copy0)}/${tool}`,
    );
    const buckets = detail.locator('[data-testid=bucket]');
    await expect
      .poll(() => detail.locator('[data-testid=exemplar-link]').count(), { timeout: 10_000 })
      .toBeGreaterThan(0);
    const all = await buckets.evaluateAll((els) =>
      els.map((e) => {
        const d = (e as unknown as PageElement).dataset;
        const link = (e as unknown as PageElement).querySelector('[data-testid=exemplar-link]');
        return {
          le: d.le ?? '',
          count: Number(d.count),
          traceId: link?.dataset.traceId,
          spanId: link?.dataset.spanId,
        };
      }),
    );
    // the bucket counts add up to the calls made; no exemplar on an empty bucket
    expect(all.reduce((n, b) => n + b.count, 0)).toBe(COPY_CALLS[0]!.slow![1]);
    for (const b of all) if (b.count === 0) expect(b.traceId, `le=${b.le}`).toBeUndefined();
    await page.screenshot({ path: join(shotsDir, 'tool.png') });
    const index = all.findIndex((b) => b.traceId && b.count > 0);
    const bucket = all[index]!;
    const le =
      bucket.le === '' || bucket.le === 'null' || bucket.le === '+Inf'
        ? Infinity
        : Number(bucket.le);
    const lower = index > 0 ? Number(all[index - 1]!.le) : -Infinity;

    await buckets.nth(index).locator('[data-testid=exemplar-link]').click();
    await expect
      .poll(() => page.evaluate(() => location.hash))
      .toBe(`#/trace/${bucket.traceId}/${bucket.spanId}`);
    const highlighted = page.locator(
      `[data-testid=waterfall] [data-testid=span-row][data-span-id="${bucket.spanId}"]`,
    );
    await expect
      .poll(() => highlighted.getAttribute('data-highlighted'), { timeout: 10_000 })
      .toBe('true');
    expect(await highlighted.getAttribute('data-process-id')).toBe(ids.copy0);
    // the span is a call of that tool, in that process, whose duration falls in the bucket
    const trace = await api<{ spans: ApiSpan[] }>(`api/traces/${bucket.traceId}`);
    const span = trace.spans.find((s) => s.spanId === bucket.spanId)!;
    expect(span.name).toBe(`tools/call ${tool}`);
    expect(span.process.id).toBe(ids.copy0);
    expect(span.durationMs).toBeLessThanOrEqual(le);
    expect(span.durationMs).toBeGreaterThan(lower);
    phase('page: exemplar');
  });

  it("a real Prometheus scrapes the hub's /metrics and finds every process's tool series", async () => {
    const target = new URL(pageUrl).host;
    prometheus = await startPrometheus({ targets: [{ job: 'mcpmeter-ui', target }] });
    const expected = expectedServerCalls();
    const byInstance = (samples: { metric: Record<string, string>; value: [number, string] }[]) => {
      const out: Record<string, Record<string, number>> = {};
      for (const s of samples) {
        const role = Object.entries(ids).find(([, id]) => id === s.metric.service_instance_id)?.[0];
        if (role && Number(s.value[1]) > 0)
          (out[role] ??= {})[s.metric.gen_ai_tool_name ?? ''] = Number(s.value[1]);
      }
      return out;
    };
    const query = (side: 'server' | 'client') =>
      prometheus!.query(
        `sum by (service_name, service_instance_id, gen_ai_tool_name) (mcp_${side}_operation_duration_seconds_count{mcp_method_name="tools/call"})`,
      );
    await expect
      .poll(async () => byInstance(await query('server')), { timeout: 30_000, interval: 500 })
      .toEqual(expected);
    expect(byInstance(await query('client'))).toEqual({ agent: AGENT_CLIENT_CALLS });
    phase('prometheus');
  });
});
