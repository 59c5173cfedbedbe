/* The live page (src/ui/page.ts) in real headless Chromium (Debian's), against a fake hub with fixture data. */
import { existsSync } from 'node:fs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { chromium, type Browser, type Page } from 'playwright-core';
import { PAGE_HTML } from '../src/ui/page.js';

const CHROMIUM = '/usr/bin/chromium';
// The callbacks given to page.evaluate run in the browser; the cli package compiles without the DOM lib.
declare const document: { activeElement: { getAttribute(name: string): string | null } | null } & {
  querySelector(sel: string): { textContent: string | null } | null;
};
declare const window: { __pwned?: unknown };
// A plain-JS fixture (also runnable alone), imported by URL so it needs no type declarations.
const fx = await import(new URL('./fixtures/ui-api-fixture.mjs', import.meta.url).href);
const [AGENT, WEATHER, SEARCH] = fx.PROCESS_IDS as string[];

let browser: Browser;
let page: Page;
let fixture: { url: string; state: { empty: boolean; fail: number }; close(): Promise<void> };
const problems: string[] = [];

const attr = (sel: string, names: string[]) =>
  page.$$eval(
    sel,
    (els, names) => els.map((el) => Object.fromEntries(names.map((n) => [n, el.getAttribute(n)]))),
    names,
  );
const focused = () =>
  page.evaluate(() => ({
    testid: document.activeElement?.getAttribute('data-testid') ?? null,
    href: document.activeElement?.getAttribute('href') ?? null,
  }));
// Readable on a 1366×768 laptop: nothing wider than the window, every row of a table the same height.
const fits = () =>
  page.evaluate(() => {
    const d = document as unknown as {
      documentElement: { scrollWidth: number };
      querySelectorAll(sel: string): { getBoundingClientRect(): { height: number } }[];
    };
    const heights = new Set(
      [...d.querySelectorAll('[data-testid$=-row]')].map((e) =>
        Math.round(e.getBoundingClientRect().height),
      ),
    );
    return { width: d.documentElement.scrollWidth, heights: heights.size };
  });
const api = async (path: string) => (await fetch(new URL(path, fixture.url))).json();

beforeAll(async () => {
  if (!existsSync(CHROMIUM)) throw new Error(`${CHROMIUM} is missing: apt-get install -y chromium`);
  fixture = await fx.startUiApiFixture({ html: PAGE_HTML });
  browser = await chromium.launch({ executablePath: CHROMIUM });
  page = await browser.newPage({ viewport: { width: 1366, height: 768 } });
  page.on('pageerror', (e) => problems.push(`pageerror: ${e.message}`));
  // CSP violations (a script or style whose hash does not match) arrive as console errors.
  page.on('console', (m) => {
    if (m.type() === 'error') problems.push(`console: ${m.text()}`);
  });
  await page.goto(fixture.url);
});

afterAll(async () => {
  await browser?.close();
  await fixture?.close();
});

describe('the live page', () => {
  it('is one document that loads nothing from the network', () => {
    expect(PAGE_HTML).toMatch(/^<!doctype html>/);
    expect(PAGE_HTML).not.toMatch(/\b(src|href)=["']?(https?:)?\/\//);
    expect(PAGE_HTML).toContain("default-src 'none'");
  });

  it('renders processes, tools, traces, sessions and LLM rows with the values of the API', async () => {
    await page.waitForSelector('[data-testid=process-row]');
    expect(await page.textContent('[data-testid=hub-status]')).toBe('live');
    expect(
      await attr('[data-testid=process-row]', ['data-process-id', 'data-service', 'data-up']),
    ).toEqual([
      { 'data-process-id': AGENT, 'data-service': 'demo-agent', 'data-up': 'true' },
      { 'data-process-id': WEATHER, 'data-service': 'weather-mcp', 'data-up': 'true' },
      { 'data-process-id': SEARCH, 'data-service': fx.HOSTILE_SERVICE, 'data-up': 'false' },
    ]);
    const tools = await page.$$eval('[data-testid=tool-row]', (els) =>
      els.map((el) => ({
        process: el.getAttribute('data-process-id'),
        service: el.getAttribute('data-service'),
        tool: el.getAttribute('data-tool'),
        side: el.getAttribute('data-side'),
        calls: Number(el.querySelector('[data-testid=tool-calls]')?.textContent),
        tag: el.tagName,
      })),
    );
    expect(tools).toEqual(
      fx.TOOLS.map((t: Record<string, unknown>) => ({
        process: t.process,
        service: t.service,
        tool: t.tool,
        side: t.side,
        calls: t.calls,
        tag: 'A',
      })),
    );
    const traces = (await api('/api/traces?limit=50')) as { traceId: string }[];
    expect(
      (await attr('[data-testid=trace-row]', ['data-trace-id'])).map((r) => r['data-trace-id']),
    ).toEqual(traces.map((t) => t.traceId));
    expect(await page.locator('[data-testid=session-row]').count()).toBe(2);
    expect(await attr('[data-testid=llm-row]', ['data-provider', 'data-model'])).toEqual([
      { 'data-provider': 'openai', 'data-model': 'gpt-4o' },
      { 'data-provider': 'anthropic', 'data-model': 'claude-sonnet-4-5' },
    ]);
    expect(await fits()).toEqual({ width: 1366, heights: 1 });
  });

  it('shows hostile names as text and runs none of them', async () => {
    const row = page.locator('[data-testid=tool-row]').filter({ hasText: fx.HOSTILE_TOOL });
    expect(await row.count()).toBe(1);
    expect(await row.getAttribute('data-tool')).toBe(fx.HOSTILE_TOOL);
    await page.goto(`${fixture.url}#/trace/${fx.TRACE_ID}/b000000000000005`);
    await page.waitForSelector('[data-testid=span-detail]');
    expect(await page.textContent('[data-testid=span-detail] h2')).toBe(fx.HOSTILE_SPAN);
    expect(await page.locator('main img, main svg, main script').count()).toBe(0);
    expect(await page.evaluate(() => window.__pwned)).toBeUndefined();
  });

  it('is usable by keyboard: Tab to a tool, Enter opens it, Esc returns, / filters', async () => {
    await page.goto(`${fixture.url}#/`);
    await page.waitForSelector('[data-testid=tool-row]');
    let at = await focused();
    for (let i = 0; i < 40 && at.testid !== 'tool-row'; i++) {
      await page.keyboard.press('Tab');
      at = await focused();
    }
    expect(at.testid).toBe('tool-row');
    expect(at.href).toMatch(/^#\/tool\//);
    // A poll re-renders the table every second; the focus stays on the same row.
    await page.waitForTimeout(1200);
    expect((await focused()).href).toBe(at.href);
    await page.keyboard.press('Enter');
    await page.waitForSelector('[data-testid=tool-detail]');
    expect(new URL(page.url()).hash).toBe(at.href);
    await page.keyboard.press('Escape');
    await page.waitForSelector('[data-testid=tool-row]');
    expect(new URL(page.url()).hash).toBe('#/');
    expect((await focused()).href).toBe(at.href);

    await page.keyboard.press('/');
    expect((await focused()).testid).toBe('filter');
    await page.keyboard.type('weather');
    const shown = await attr('[data-testid=tool-row]', ['data-tool', 'data-service']);
    expect(shown.length).toBe(3);
    for (const r of shown) expect(`${r['data-tool']} ${r['data-service']}`).toContain('weather');
    expect(await page.locator('[data-testid=trace-row]').count()).toBe(1);
    await page.keyboard.press('Escape');
    expect(await page.locator('[data-testid=tool-row]').count()).toBe(fx.TOOLS.length);
  });

  it('draws a trace as a waterfall in parent order, and a span leads to its series and tool', async () => {
    const { spans } = (await api(`/api/traces/${fx.TRACE_ID}`)) as {
      spans: { spanId: string; parentSpanId: string; depth: number; process: { id: string } }[];
    };
    await page.goto(`${fixture.url}#/trace/${fx.TRACE_ID}`);
    await page.waitForSelector('[data-testid=waterfall] [data-testid=span-row]');
    const rows = await attr('[data-testid=waterfall] [data-testid=span-row]', [
      'data-span-id',
      'data-parent-span-id',
      'data-process-id',
      'data-depth',
      'data-highlighted',
    ]);
    expect(rows).toEqual(
      spans.map((s) => ({
        'data-span-id': s.spanId,
        'data-parent-span-id': s.parentSpanId,
        'data-process-id': s.process.id,
        'data-depth': String(s.depth),
        'data-highlighted': 'false',
      })),
    );
    rows.forEach((r, i) => {
      const parent = rows.findIndex((p) => p['data-span-id'] === r['data-parent-span-id']);
      if (i === 0) expect(parent).toBe(-1);
      else {
        expect(parent).toBeGreaterThanOrEqual(0);
        expect(parent).toBeLessThan(i);
        expect(Number(r['data-depth'])).toBe(Number(rows[parent]!['data-depth']) + 1);
      }
    });
    expect(new Set(rows.map((r) => r['data-process-id'])).size).toBe(3);
    expect(await fits()).toEqual({ width: 1366, heights: 1 });
    // The bars share one time axis: the root's bar spans the whole track, a child's starts inside it.
    const box = async (id: string) =>
      (await page.locator(`[data-span-id="${id}"] .bar`).boundingBox())!;
    const [root, server] = [await box('a000000000000001'), await box('b000000000000004')];
    expect(server.x).toBeGreaterThan(root.x);
    expect(server.x + server.width).toBeLessThan(root.x + root.width);

    await page.locator('[data-span-id=a000000000000003]').focus();
    await page.keyboard.press('ArrowDown');
    await page.keyboard.press('Enter');
    await page.waitForSelector('[data-testid=span-detail][data-span-id=b000000000000004]');
    expect(await page.getAttribute('[data-span-id=b000000000000004]', 'data-highlighted')).toBe(
      'true',
    );
    const series = page.locator('[data-testid=span-series]');
    expect(await series.textContent()).toContain(
      'mcp_server_operation_duration_seconds{mcp_method_name="tools/call",gen_ai_tool_name="get_weather"',
    );
    await series.locator('a').click();
    await page.waitForSelector('[data-testid=tool-detail][data-tool=get_weather]');
    expect(new URL(page.url()).hash).toBe(`#/tool/${WEATHER}/get_weather`);
  });

  it('shows the latency histogram, and an exemplar opens its trace with the span highlighted', async () => {
    const tool = (await api(`/api/tools/${WEATHER}/get_weather?side=server`)) as {
      buckets: { le: number | null; count: number }[];
    };
    await page.goto(`${fixture.url}#/tool/${WEATHER}/get_weather`);
    await page.waitForSelector('[data-testid=tool-detail] [data-testid=bucket]');
    expect(await attr('[data-testid=bucket]', ['data-le', 'data-count'])).toEqual(
      tool.buckets.map((b) => ({
        'data-le': b.le === null ? 'Infinity' : String(b.le),
        'data-count': String(b.count),
      })),
    );
    expect(await page.textContent('[data-testid=tool-detail] [data-testid=tool-calls]')).toBe('42');
    const link = page.locator('[data-testid=bucket][data-le="500"] [data-testid=exemplar-link]');
    expect(await link.getAttribute('data-trace-id')).toBe(fx.TRACE_ID);
    expect(await link.getAttribute('data-span-id')).toBe('b000000000000004');
    await link.click();
    await page.waitForSelector('[data-testid=span-row][data-highlighted=true]');
    expect(new URL(page.url()).hash).toBe(`#/trace/${fx.TRACE_ID}/b000000000000004`);
    expect(await attr('[data-highlighted=true]', ['data-span-id'])).toEqual([
      { 'data-span-id': 'b000000000000004' },
    ]);
  });

  it('says what to do when no process has shown up yet', async () => {
    fixture.state.empty = true;
    await page.goto(`${fixture.url}#/`);
    const empty = page.locator('[data-testid=empty]');
    await empty.waitFor();
    const text = await empty.textContent();
    expect(text).toContain('No processes yet');
    expect(text).toContain('node --import @mcpmeter/node/register server.js');
    expect(text).toContain('mcpmeter wrap -- <cmd>');
    fixture.state.empty = false;
    await page.waitForSelector('[data-testid=process-row]');
    expect(problems).toEqual([]);
  });

  it('says so when the hub answers with an error, and recovers', async () => {
    fixture.state.fail = 503;
    await page.waitForFunction(
      () => document.querySelector('[data-testid=hub-status]')?.textContent === 'hub unreachable',
      null,
      { timeout: 6000 },
    );
    expect(await page.textContent('[data-testid=hub-unreachable]')).toContain(
      'The hub answered HTTP 503',
    );
    fixture.state.fail = 0;
    await page.waitForFunction(
      () => document.querySelector('[data-testid=hub-status]')?.textContent === 'live',
      null,
      { timeout: 6000 },
    );
    expect(await page.locator('[data-testid=hub-unreachable]').count()).toBe(0);
  });

  it('says "hub unreachable" when the hub stops answering', async () => {
    await fixture.close();
    await page.waitForFunction(
      () => document.querySelector('[data-testid=hub-status]')?.textContent === 'hub unreachable',
      null,
      { timeout: 6000 },
    );
    expect(await page.getAttribute('[data-testid=hub-status]', 'data-state')).toBe('down');
    expect(await page.textContent('[data-testid=hub-unreachable]')).toContain('still running?');
    expect(await page.getByText('hub unreachable').count()).toBe(1);
    // The last data stays on screen.
    expect(await page.locator('[data-testid=process-row]').count()).toBe(3);
  });
});
