/*
 * End to end: a real Prometheus loads the generated rules and scrapes the
 * instrumented example MCP server and LLM gateways (child processes under
 * @mcpmeter/node's register()) while the test drives traffic: successes, tool
 * errors, thrown errors, invalid arguments, LLM 429/500/400 and timeouts,
 * streams, cache and reasoning tokens, an unpriced model, a cost burst,
 * abandoned sessions, requests held in flight, a cardinality overflow, a
 * dead target, and a server rewriting a tool's description under a running
 * client session (examples/mcp-server/rug-pull.mjs). Then every alert must reach its expected state, every
 * dashboard panel query (Grafana variables substituted), every recording rule
 * and every recorded series must return data: none is inert.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  alertHistory,
  chat,
  queryAt,
  startExample,
  waitFiring,
  type Example,
} from '../../../test-utils/mixin-e2e.js';
import {
  dashboardQueries,
  ruleQueries,
  substitute,
  type GrafanaVars,
} from '../../../test-utils/mixin-queries.js';
import { startFakeUpstream, type FakeUpstream } from '../../../test-utils/llm-upstream.js';
import {
  freePort,
  startPrometheus,
  type PromSample,
  type RunningPrometheus,
} from '../../../test-utils/prometheus.js';
import {
  alertRules,
  dashboardJson,
  dashboards,
  recordingRules,
  ruleFileYaml,
} from '../src/index.js';
import {
  ABANDONED_SESSIONS,
  CHANGED_TOOL,
  IN_FLIGHT,
  JOBS,
  LLM_TOOL,
  UNPRICED_MODEL,
  e2eConfig,
  expectations,
  type AlertExpectation,
  type Phase,
} from './e2e/expectations.js';
import { openMcpSession } from './e2e/mcp.js';

const recording = recordingRules(e2eConfig);
const alerting = alertRules(e2eConfig);
const nowS = () => Date.now() / 1000;
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

let server: Example;
let gateway: Example;
let limited: Example;
let rugPull: Example;
/** The OpenAI-compatible upstream the claw server's ask_llm tool calls. */
let upstream: FakeUpstream;
let prom: RunningPrometheus;
let start = 0;

beforeAll(async () => {
  upstream = await startFakeUpstream({ port: 0 });
  [server, gateway, limited, rugPull] = await Promise.all([
    startExample('mcp-server', JOBS.server, { LLM_BASE_URL: upstream.baseURL }),
    // Long enough that a good call on a machine at load 20 is never cut (300 ms was, once: 504 for a
    // plain chat); the 'hang' scenario never answers, so only it reaches the timeout.
    startExample('llm-gateway', JOBS.gateway, { UPSTREAM_TIMEOUT_MS: '2500' }),
    startExample('llm-gateway', JOBS.limited, { MCPMETER_CARDINALITY_LIMIT: '4' }),
    startExample('rug-pull', JOBS.rugPull),
  ]);
  prom = await startPrometheus({
    targets: [
      { job: JOBS.server, target: server.metrics },
      { job: JOBS.gateway, target: gateway.metrics },
      { job: JOBS.limited, target: limited.metrics },
      { job: JOBS.rugPull, target: rugPull.metrics },
      { job: JOBS.down, target: `127.0.0.1:${await freePort()}` },
    ],
    rules: [ruleFileYaml(recording), ruleFileYaml(alerting)],
    evaluationInterval: '1s',
  });
  await prom.waitFor('count(up == 1) == 4');
}, 90_000);

afterAll(async () => {
  await Promise.all([server, gateway, limited, rugPull].map((e) => e?.child.kill()));
  await prom?.stop();
  await upstream?.close();
});

/** Observed firing: the alert expression evaluated at that moment. */
const fired = new Map<string, PromSample[]>();

async function expectFiring(e: AlertExpectation): Promise<void> {
  for (const labels of e.fires) {
    // An SLO alert has one rule per burn-rate window pair, told apart by its static labels.
    const rule = alerting.groups
      .flatMap((g) => g.rules)
      .find(
        (r) =>
          r.alert === e.alert &&
          Object.entries(r.labels).every(([k, v]) => labels[k] === undefined || labels[k] === v),
      )!;
    await waitFiring(prom, e.alert, labels, 40_000);
    const samples = await queryAt(prom, rule.expr);
    const fromExpr = Object.entries(labels).filter(([k]) => rule.labels[k] === undefined);
    expect(
      samples.some((s) => fromExpr.every(([k, v]) => s.metric[k] === v)),
      `${e.alert} expr at firing time: ${JSON.stringify(samples)}`,
    ).toBe(true);
    fired.set(`${e.alert} ${JSON.stringify(labels)}`, samples);
  }
}

const inPhase = (phase: Phase) => expectations.filter((e) => e.phase === phase);

async function expectSilentSoFar(e: AlertExpectation, until: number): Promise<void> {
  expect(
    await alertHistory(prom, e.alert, {}, start, until),
    `${e.alert} before it should`,
  ).toEqual([]);
}

/**
 * One call of every kind, so each series exists in Prometheus before the main
 * round: rate() only sees increases after a series' first sample, as with any
 * long-running server.
 */
async function warmUp(): Promise<void> {
  const s = await openMcpSession(server.url, 'warm-up');
  expect(await s.listTools()).toContain('sharpen_claw');
  for (const [tool, args] of [
    ['fast', {}],
    ['failing', {}],
    ['throwing', {}],
    ['sharpen_claw', { times: 1 }],
    ['sharpen_claw', { times: 9 }],
    ['no_such_tool', {}],
    ['slow', { ms: 300 }],
    [LLM_TOOL, { question: 'warm up' }],
  ] as const)
    await s.call(tool, args);
  await s.end();
  // Clients that open a session and go away without ending it.
  for (let i = 0; i < ABANDONED_SESSIONS; i++) {
    const a = await openMcpSession(server.url, `abandoning-${i}`);
    await a.listTools();
    await a.abandon();
  }
  await Promise.all([
    chat(gateway.url),
    chat(gateway.url, { stream: true }),
    chat(gateway.url, { model: UNPRICED_MODEL }),
    ...['fail-429', 'fail-500', 'fail-400', 'hang'].map((scenario) =>
      chat(gateway.url, { scenario }),
    ),
    ...['gpt-4.1-mini', 'gpt-4.1', 'gpt-4o-mini', 'gpt-4o'].map((model) =>
      chat(limited.url, { model }),
    ),
  ]);
  for (const series of [
    'mcp_server_session_duration_seconds_count',
    'mcp_server_operation_duration_seconds_count{gen_ai_tool_name="slow"}',
    'gen_ai_client_operation_duration_seconds_count{error_type="timeout"}',
    'gen_ai_client_operation_time_to_first_chunk_seconds_count',
    'gen_ai_client_cost_unpriced_total',
    '{job="llm-gateway-limited", otel_metric_overflow="true"}',
    // The rug-pull client's first listing, and the claw server's own catalog.
    `mcp_client_tool_catalog_info{job="${JOBS.rugPull}"}`,
    `mcp_server_tool_catalog_info{job="${JOBS.server}"}`,
    `gen_ai_client_cost_usd_total{job="${JOBS.server}", gen_ai_tool_name="${LLM_TOOL}"}`,
  ])
    // Generous: on a loaded 2-core machine the processes and scrapes run late.
    await prom.waitFor(series, undefined, 120_000);
}

async function mcpTraffic(): Promise<void> {
  const s = await openMcpSession(server.url, 'e2e');
  const results: boolean[] = [];
  for (let i = 0; i < 8; i++) results.push(await s.call('fast'), await s.call('failing'));
  for (let i = 0; i < 2; i++) results.push(await s.call('throwing'));
  // Times 4 twice: a repeated identical call (the loop panel).
  for (const times of [1, 2, 3, 4, 4]) results.push(await s.call('sharpen_claw', { times }));
  // An LLM call inside each: the tool's cost series (spend per tool, $ per call, its budget alert).
  for (let i = 0; i < 3; i++) results.push(await s.call(LLM_TOOL, { question: `claw ${i}` }));
  results.push(await s.call('sharpen_claw', { times: 9 })); // invalid arguments
  results.push(await s.call('no_such_tool'));
  for (let i = 0; i < 4; i++) results.push(await s.call('slow', { ms: 300 }));
  expect(results.filter(Boolean)).toHaveLength(8 + 2 + 1 + 1);
  expect(upstream.requests.filter((r) => r.path.endsWith('/chat/completions'))).toHaveLength(4);
  // Requests held in flight together while the saturation alert is watched.
  const held = Promise.all(Array.from({ length: IN_FLIGHT }, () => s.call('slow', { ms: 6000 })));
  await Promise.all([...inPhase('in-flight').map(expectFiring), held]);
  await s.end();
}

async function llmTraffic(): Promise<void> {
  const ok = await Promise.all([
    ...Array.from({ length: 6 }, () => chat(gateway.url)),
    ...Array.from({ length: 3 }, () => chat(gateway.url, { stream: true })),
    ...Array.from({ length: 2 }, () => chat(gateway.url, { model: UNPRICED_MODEL })),
  ]);
  expect(ok.every((st) => st === 200)).toBe(true);
  const failed = await Promise.all(
    ['fail-429', 'fail-429', 'fail-500', 'fail-500', 'fail-400', 'hang', 'hang'].map((scenario) =>
      chat(gateway.url, { scenario }),
    ),
  );
  expect(failed.sort()).toEqual([502, 502, 502, 502, 502, 504, 504]);
  // Four models on a gateway whose instruments keep 4 series each: the rest overflows.
  for (const model of ['gpt-4.1-mini', 'gpt-4.1', 'gpt-4o-mini', 'gpt-4o'])
    for (let i = 0; i < 2; i++) expect(await chat(limited.url, { model })).toBe(200);
}

describe('mixin end to end (real Prometheus, instrumented example processes)', () => {
  it('every alert reaches its expected state: fires on real trouble, stays silent otherwise', async () => {
    start = nowS();
    await warmUp();
    await Promise.all([mcpTraffic(), llmTraffic()]);
    const mcpEnd = nowS();
    await Promise.all(inPhase('traffic').map(expectFiring));

    // A server rewrites a tool's description under a running session; its client re-lists on
    // notifications/tools/list_changed. Silent until then, firing on both sides after.
    const beforeChange = nowS();
    for (const e of inPhase('catalog')) await expectSilentSoFar(e, beforeChange);
    const res = await fetch(rugPull.url, { method: 'POST' });
    const { description } = (await res.json()) as { description: string };
    expect(description, `the client re-listed ${CHANGED_TOOL}`).toContain('<IMPORTANT>');
    await Promise.all(inPhase('catalog').map(expectFiring));

    // No request since mcpEnd: the abandoned sessions are now stuck; while requests flowed they were not.
    await Promise.all(inPhase('idle').map(expectFiring));
    for (const e of inPhase('idle')) await expectSilentSoFar(e, mcpEnd);

    // The baseline window (20 s before) must hold samples before the burst can be compared to it.
    while (nowS() - start < 25) await sleep(250);
    const beforeBurst = nowS();
    for (const e of inPhase('burst')) await expectSilentSoFar(e, beforeBurst);
    const burst = await Promise.all(
      Array.from({ length: 5 }, () =>
        chat(gateway.url, { usage: { input: 200_000, output: 20_000 } }),
      ),
    );
    expect(burst.every((s) => s === 200)).toBe(true);
    await Promise.all(inPhase('burst').map(expectFiring));

    // Every alert rule has an expectation, and every expectation was seen firing.
    const names = alerting.groups.flatMap((g) => g.rules.map((r) => r.alert));
    expect(expectations.map((e) => e.alert).sort()).toEqual([...names].sort());
    expect(fired.size).toBe(expectations.reduce((n, e) => n + e.fires.length, 0));

    const active = (
      await prom.api<{ alerts: { labels: Record<string, string> }[] }>('/api/v1/alerts')
    ).alerts.map((a) => a.labels.alertname);
    for (const e of expectations.filter((x) => x.resolves)) expect(active).not.toContain(e.alert);
    for (const e of expectations)
      for (const labels of e.silent)
        expect(
          await alertHistory(prom, e.alert, labels, start, nowS()),
          `${e.alert} must stay silent for ${JSON.stringify(labels)}`,
        ).toEqual([]);
  }, 150_000);

  const vars: GrafanaVars = {
    datasource: 'prometheus',
    job: '.+',
    provider: '.+',
    model: '.+',
    // A tool with successes, an invalid-arguments error and a custom metric.
    tool: 'sharpen_claw',
    // The whole run fits in these windows.
    __rate_interval: '2m',
    __range: '5m',
  };
  const hasData = (r: PromSample[]) => r.some((s) => Number.isFinite(Number(s.value[1])));

  it('every dashboard panel query returns data', async () => {
    const panels = Object.entries(dashboards(e2eConfig)).flatMap(([name, d]) =>
      dashboardQueries(name, d as never, vars),
    );
    expect(panels.length).toBeGreaterThan(30);
    const empty: string[] = [];
    for (const q of panels)
      if (!hasData(await queryAt(prom, q.expr))) empty.push(`${q.id}: ${q.expr}`);
    expect(empty).toEqual([]);
  });

  it('every dashboard variable lists the values seen', async () => {
    const lists: Record<string, string[]> = {};
    for (const [name, d] of Object.entries(dashboards(e2eConfig))) {
      // The JSON Grafana reads.
      const model = JSON.parse(dashboardJson(d)) as {
        templating: { list: { type: string; name: string; query?: unknown }[] };
      };
      for (const v of model.templating.list) {
        if (v.type !== 'query') continue;
        expect(typeof v.query, `${name}/${v.name}`).toBe('string');
        const m = /^label_values\((.+), (\w+)\)$/.exec(v.query as string);
        expect(m, `${name}/${v.name}`).not.toBeNull();
        const match = encodeURIComponent(substitute(m![1]!, vars));
        lists[`${name}/${v.name}`] = await prom.api<string[]>(
          `/api/v1/label/${m![2]}/values?match[]=${match}`,
        );
      }
    }
    expect(lists['mcp-overview/job']).toEqual([JOBS.server, JOBS.rugPull]);
    // Servers and clients with a catalog (the gateways have none).
    expect(lists['mcp-catalog/job']).toEqual([JOBS.server, JOBS.rugPull]);
    expect(lists['mcp-tool/tool']).toEqual(
      expect.arrayContaining(['failing', 'fast', 'sharpen_claw', 'slow', 'throwing']),
    );
    // The claw server calls the LLM inside ask_llm.
    expect(lists['llm-usage/job']).toEqual([JOBS.gateway, JOBS.limited, JOBS.server]);
    expect(lists['llm-usage/provider']).toEqual(['openai']);
    // gpt-4o went to the limited gateway's overflow series (no model label).
    expect(lists['llm-usage/model']).toEqual(
      expect.arrayContaining([UNPRICED_MODEL, 'gpt-4.1-mini', 'gpt-4o-mini']),
    );
  });

  it('the custom tool metrics panel shows the tool author’s metric and nothing of ours', async () => {
    const panel = (tool: string) =>
      dashboardQueries('mcp-tool', dashboards(e2eConfig)['mcp-tool'] as never, {
        ...vars,
        tool,
      }).find((q) => q.id.startsWith('mcp-tool/Custom tool metrics/'))!;
    const names = async (tool: string) =>
      (await queryAt(prom, panel(tool).expr)).map((s) => s.metric.metric).sort();
    expect(await names('sharpen_claw')).toEqual([
      'claw_sharpness_level_count',
      'claw_sharpness_level_sum',
    ]);
    // `failing` records no metric of its own (its alert series must not show up as one).
    expect(await names('failing')).toEqual([]);
  });

  it('the spend-by-tool panels show the tool that called the LLM, nothing spent outside tools', async () => {
    const queries = dashboardQueries(
      'llm-usage',
      dashboards(e2eConfig)['llm-usage'] as never,
      vars,
    );
    for (const title of ['Spend per hour by tool', '$ per tool call']) {
      const q = queries.find((x) => x.id.startsWith(`llm-usage/${title}/`))!;
      const samples = await queryAt(prom, q.expr);
      // The gateways spend more, but outside any tool: their series carry no tool name.
      expect(
        samples.map((x) => x.metric),
        title,
      ).toEqual([{ job: JOBS.server, gen_ai_tool_name: LLM_TOOL }]);
      expect(Number(samples[0]!.value[1]), title).toBeGreaterThan(0);
    }
  });

  it('every recording rule expression and every recorded series returns data', async () => {
    const empty: string[] = [];
    for (const q of ruleQueries(recording)) {
      if (!hasData(await queryAt(prom, q.expr))) empty.push(`${q.id} expr: ${q.expr}`);
      const name = q.id.replace(/^record:/, '').replace(/\{quantile=(.+)\}$/, '{quantile="$1"}');
      const samples = await queryAt(prom, name);
      if (!hasData(samples)) empty.push(`${q.id} series`);
      // SLO error ratios are shares: a bucket matcher that caught a second bucket goes below 0.
      if (name.includes('_slo_errors:ratio_rate'))
        for (const x of samples)
          if (!(Number(x.value[1]) >= 0 && Number(x.value[1]) <= 1))
            empty.push(`${name} ${JSON.stringify(x.metric)} = ${x.value[1]}`);
    }
    expect(empty).toEqual([]);
  });
});
