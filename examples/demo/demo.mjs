// pnpm demo — the whole mcpmeter story on one machine, offline, in a few seconds.
//
//   1. An agent (examples/agent) makes an LLM call and calls tools on two MCP servers
//      (examples/mcp-server), one over stdio and one over Streamable HTTP — three
//      processes, each started with register() from @mcpmeter/node.
//   2. Each process serves Prometheus /metrics; the demo reads them and prints what a
//      dashboard would show: per-tool calls and latency, tokens, cost.
//   3. Every process sends its spans over OTLP, and pushes its metrics, to the live view
//      the demo starts (the `mcpmeter ui` hub, on 127.0.0.1:4318 for OTLP and :4320 for
//      the page, or free ports when those are taken); the demo prints, from the hub's
//      API, the one trace that spans agent → LLM → MCP client → MCP server, and from
//      /metrics the exemplar that links a latency bucket to that trace.
//
// It keeps serving until Ctrl-C, and ends by printing the live page's address (or exits
// as soon as it has printed, with --once, as its test runs it: then on free ports).
// Everything goes to stderr: mcpmeter keeps stdout clean for stdio MCP servers.
import { spawn } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { DEFAULT_OTLP_PORT, DEFAULT_UI_PORT, startHub } from '@mcpmeter/cli';
import { bindable, freePorts } from './ports.mjs';

const once = process.argv.includes('--once');
const say = (line = '') => process.stderr.write(`${line}\n`);
const agentScript = fileURLToPath(new URL('../agent/agent.mjs', import.meta.url));

const hub = await startDemoHub();
const pageUrl = new URL('/', hub.url).href;
const [agentPort, stdioPort, httpPort] = once ? await freePorts(3) : [9464, 9465, 9466];
const host = process.env.OTEL_EXPORTER_PROMETHEUS_HOST ?? 'localhost';
const metricsUrl = (/** @type {number} */ port) => `http://${host}:${port}/metrics`;

say(`mcpmeter demo: the live view (mcpmeter ui) at ${pageUrl}, receiving OTLP on ${hub.otlpUrl}`);
say('mcpmeter demo: starting an agent and two MCP servers (stdio and Streamable HTTP)…');
const agent = spawn(process.execPath, [agentScript], {
  stdio: ['pipe', 'pipe', 'pipe'],
  env: {
    ...process.env,
    OTEL_EXPORTER_PROMETHEUS_HOST: host,
    OTEL_EXPORTER_PROMETHEUS_PORT: String(agentPort),
    STDIO_METRICS_PORT: String(stdioPort),
    HTTP_METRICS_PORT: String(httpPort),
    OTEL_EXPORTER_OTLP_ENDPOINT: hub.otlpUrl,
    OTEL_EXPORTER_OTLP_PROTOCOL: 'http/json',
    OTEL_BSP_SCHEDULE_DELAY: '200',
    // keep the three processes up while the demo (and you) read their /metrics and the
    // live view; the demo ends the linger by closing the agent's stdin (--once, Ctrl-C)
    AGENT_LINGER_MS: String(24 * 3600 * 1000),
    AGENT_LINGER_UNTIL_STDIN_ENDS: '1',
  },
});
let agentErr = '';
agent.stderr.on('data', (/** @type {Buffer} */ d) => (agentErr += d.toString()));
agent.stdout.resume();
const agentExit = new Promise((resolve) => agent.once('exit', resolve));
// Ctrl-C: the agent closes its MCP servers and exits, then the demo stops the hub (a
// second Ctrl-C stops the demo at once). Signalled alone (kill -INT), the demo still
// stops every process it started.
process.once('SIGINT', () => agent.stdin.end());

/**
 * The hub on its documented ports (4320 for the page, 4318 for OTLP) when both are
 * free; otherwise, and always with --once, on free ports.
 */
async function startDemoHub() {
  if (!once) {
    const taken = [];
    for (const port of [DEFAULT_OTLP_PORT, DEFAULT_UI_PORT])
      if (!(await bindable(port))) taken.push(`127.0.0.1:${port}`);
    if (taken.length === 0) {
      try {
        return await startHub({ port: DEFAULT_UI_PORT, otlpPort: DEFAULT_OTLP_PORT });
      } catch {
        taken.push(`127.0.0.1:${DEFAULT_OTLP_PORT} or :${DEFAULT_UI_PORT}`);
      }
    }
    say(
      `mcpmeter demo: ${taken.join(' and ')} ${taken.length > 1 ? 'are' : 'is'} in use (a collector or Jaeger, or another hub?): the live view takes free ports`,
    );
  }
  const [port, otlpPort] = await freePorts(2);
  return startHub({ port, otlpPort });
}

/** @param {string} path */
async function hubApi(path) {
  const res = await fetch(new URL(path, pageUrl));
  if (!res.ok) throw new Error(`${path}: HTTP ${res.status}`);
  return /** @type {any} */ (await res.json());
}

/**
 * Polls `get` until it returns something truthy.
 * @template T @param {() => Promise<T>} get @param {string} what
 * @returns {Promise<NonNullable<T>>}
 */
async function waitUntil(get, what, timeoutMs = 30_000) {
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    const value = await get().catch(() => undefined);
    if (value) return value;
    if (agent.exitCode !== null) break;
    await new Promise((r) => setTimeout(r, 200));
  }
  throw new Error(`the live view got no ${what}\n${agentErr}`);
}

/** @param {string} url @param {RegExp} re */
async function waitForSeries(url, re, timeoutMs = 30_000) {
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    const body = await fetch(url, { headers: { accept: 'application/openmetrics-text' } }).then(
      (r) => r.text(),
      () => '',
    );
    if (re.test(body)) return body;
    if (agent.exitCode !== null) break;
    await new Promise((r) => setTimeout(r, 200));
  }
  throw new Error(`no ${re} at ${url}\n${agentErr}`);
}

/**
 * The samples of one metric in an exposition, with their labels.
 * @param {string} body @param {string} name
 */
function series(body, name) {
  const out = [];
  for (const line of body.split('\n')) {
    if (!line.startsWith(`${name}{`)) continue;
    const close = line.indexOf('} ');
    /** @type {Record<string, string>} */
    const labels = {};
    for (const m of line.slice(name.length + 1, close).matchAll(/(\w+)="((?:[^"\\]|\\.)*)"/g))
      labels[m[1] ?? ''] = m[2] ?? '';
    const rest = line.slice(close + 2).split(' ');
    const exemplar = /# \{trace_id="(\w+)",span_id="(\w+)"\}/.exec(line);
    out.push({ labels, value: Number(rest[0]), traceId: exemplar?.[1] });
  }
  return out;
}
const pad = (/** @type {string} */ s, n = 28) => s.padEnd(n);
/** @typedef {{ name: string, kind: string | number, depth: number, process: { service: string } }} HubSpan */
const KINDS = ['unspecified', 'internal', 'server', 'client', 'producer', 'consumer'];
/** @param {string | number} kind 'client', 'SPAN_KIND_CLIENT' or 3 → 'client' */
const kindName = (kind) =>
  typeof kind === 'number'
    ? (KINDS[kind] ?? String(kind))
    : kind.replace(/^SPAN_KIND_/, '').toLowerCase();
const operation = (/** @type {Record<string, string>} */ l) =>
  [l.mcp_method_name, l.gen_ai_tool_name].filter(Boolean).join(' ') +
  (l.error_type ? ` (error ${l.error_type})` : '');

try {
  // The tool call's own series: the catalog series name the tools as soon as they are listed.
  const http = await waitForSeries(
    metricsUrl(httpPort),
    /^mcp_server_operation_duration_seconds_count\{[^}]*gen_ai_tool_name="slow"/m,
  );
  const stdio = await waitForSeries(
    metricsUrl(stdioPort),
    /^mcp_server_operation_duration_seconds_count\{[^}]*gen_ai_tool_name="sharpen_claw"/m,
  );
  const agentBody = await waitForSeries(metricsUrl(agentPort), /gen_ai_client_cost_usd_total/);

  /** @type {[string, string, string][]} */
  const servers = [
    ['MCP server over Streamable HTTP', metricsUrl(httpPort), http],
    ['MCP server over stdio (metrics on a side port)', metricsUrl(stdioPort), stdio],
  ];
  for (const [title, url, body] of servers) {
    say('');
    say(`${title} — ${url}`);
    say(`  ${pad('operation')}calls  seconds (total time in the server, all calls)`);
    const sums = series(body, 'mcp_server_operation_duration_seconds_sum');
    for (const c of series(body, 'mcp_server_operation_duration_seconds_count')) {
      const sum = sums.find((x) => operation(x.labels) === operation(c.labels))?.value ?? 0;
      say(`  ${pad(operation(c.labels))}${String(c.value).padEnd(7)}${sum.toFixed(3)}`);
    }
    const ex = series(body, 'mcp_server_operation_duration_seconds_bucket').find(
      (b) => b.traceId && b.labels.gen_ai_tool_name,
    );
    if (ex)
      say(
        `  exemplar: the le="${ex.labels.le}" bucket of ${operation(ex.labels)} links to trace ${ex.traceId}`,
      );
    for (const c of series(body, 'claw_sharpness_level_count')) {
      say(
        `  custom tool metric claw_sharpness_level{gen_ai_tool_name="${c.labels.gen_ai_tool_name}"}: ${c.value} recorded`,
      );
    }
  }

  say('');
  say(`Agent (LLM client and MCP client) — ${metricsUrl(agentPort)}`);
  say(`  ${pad('what    operation model', 34)}${pad('token type', 16)}value`);
  for (const t of series(agentBody, 'gen_ai_client_token_usage_sum')) {
    say(
      `  tokens  ${pad(`${t.labels.gen_ai_operation_name} ${t.labels.gen_ai_request_model}`, 26)}${pad(t.labels.gen_ai_token_type ?? '', 16)}${t.value}`,
    );
  }
  for (const c of series(agentBody, 'gen_ai_client_cost_usd_total')) {
    say(
      `  cost    ${pad(`${c.labels.gen_ai_provider_name} ${c.labels.gen_ai_request_model}`, 26)}${pad(c.labels.gen_ai_token_type ?? '', 16)}$${c.value.toFixed(8)} (price from the ${c.labels.mcpmeter_price_source === 'catalog' ? 'genai-prices catalog' : `${c.labels.mcpmeter_price_source} prices`})`,
    );
  }
  say(
    `  ${pad('mcp     operation', 34)}${pad('transport', 16)}calls   (pipe = stdio, tcp = Streamable HTTP)`,
  );
  for (const c of series(agentBody, 'mcp_client_operation_duration_seconds_count')) {
    say(
      `  mcp     ${pad(operation(c.labels), 26)}${pad(c.labels.network_transport ?? '', 16)}${c.value} call(s)`,
    );
  }

  // The agent's root span ends last, so it can arrive in a later export than its
  // children: wait for the trace to hold the root and each server's tools/call span.
  const trace = await waitUntil(async () => {
    /** @type {{ traceId: string, root: string }[]} */
    const traces = await hubApi('api/traces?limit=50');
    const row = traces.find((t) => t.root.startsWith('invoke_agent'));
    if (!row) return undefined;
    /** @type {{ traceId: string, spans: HubSpan[] }} */
    const detail = await hubApi(`api/traces/${row.traceId}`);
    const served = (/** @type {string} */ svc) =>
      detail.spans.some((s) => s.process.service === svc && s.name.startsWith('tools/call'));
    return served('claws-stdio') && served('claws-http') ? detail : undefined;
  }, "trace of the agent's turn");
  say('');
  say(`One trace across three processes — trace_id ${trace.traceId}`);
  for (const span of trace.spans)
    say(
      `  ${'  '.repeat(span.depth)}${span.name}  [${span.process.service}, ${kindName(span.kind)}]`,
    );
  say('');
  say(
    'Next: scrape these targets with Prometheus (docs/getting-started.md), follow an exemplar to its',
  );
  say('trace (docs/correlation.md), or start Prometheus + Grafana + Jaeger with examples/stack.');

  // Each process pushes its metrics to the hub every 2 s once it has found it.
  const services = ['claws-agent', 'claws-http', 'claws-stdio'];
  /** @type {{ service: string, pid: number, id: string }[]} */
  const processes = await waitUntil(async () => {
    /** @type {{ processes: { service: string, pid: number, id: string }[] }} */
    const overview = await hubApi('api/overview');
    const mine = overview.processes.filter((p) => services.includes(p.service));
    return services.every((s) => mine.some((p) => p.service === s)) ? mine : undefined;
  }, 'metrics from the three processes');
  say('');
  say(`The live view lists the ${processes.length} processes (mcpmeter ui):`);
  for (const p of processes)
    say(`  ${pad(p.service, 14)}pid ${String(p.pid).padEnd(8)}instance ${p.id}`);
  say('');
  say(`Live view: ${pageUrl}${once ? '' : ' (Ctrl-C to stop)'}`);
} catch (err) {
  say(`demo: ${err instanceof Error ? err.message : String(err)}`);
  process.exitCode = 1;
}

if (process.exitCode) agent.kill('SIGTERM');
// With --once, ending the agent's stdin ends its linger: it closes its MCP servers and exits.
if (once) agent.stdin.end();
await agentExit;
await hub.close();
