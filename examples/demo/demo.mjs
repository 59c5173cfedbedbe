// pnpm demo — the whole mcpmeter story on one machine, offline, in a few seconds.
//
//   1. An agent (examples/agent) makes an LLM call and calls tools on two MCP servers
//      (examples/mcp-server), one over stdio and one over Streamable HTTP — three
//      processes, each started with register() from @mcpmeter/node.
//   2. Each process serves Prometheus /metrics; the demo reads them and prints what a
//      dashboard would show: per-tool calls and latency, tokens, cost.
//   3. Every process exports its spans over OTLP to a receiver the demo runs; the demo
//      prints the one trace that spans agent → LLM → MCP client → MCP server, and the
//      exemplar that links a latency bucket to that trace.
//
// It keeps serving until Ctrl-C (or exits as soon as it has printed, with --once, as its test runs it).
// Everything goes to stderr: mcpmeter keeps stdout clean for stdio MCP servers.
import { spawn } from 'node:child_process';
import { createServer } from 'node:http';
import { fileURLToPath } from 'node:url';
import { freePorts, listenOtlpJson } from './otlp-json-receiver.mjs';

const once = process.argv.includes('--once');
const say = (line = '') => process.stderr.write(`${line}\n`);
const agentScript = fileURLToPath(new URL('../agent/agent.mjs', import.meta.url));

const receiver = await listenOtlpJson(createServer);
const [agentPort, stdioPort, httpPort] = once ? await freePorts(3) : [9464, 9465, 9466];
const host = process.env.OTEL_EXPORTER_PROMETHEUS_HOST ?? 'localhost';
const metricsUrl = (/** @type {number} */ port) => `http://${host}:${port}/metrics`;

say('mcpmeter demo: starting an agent and two MCP servers (stdio and Streamable HTTP)…');
const agent = spawn(process.execPath, [agentScript], {
  stdio: ['pipe', 'pipe', 'pipe'],
  env: {
    ...process.env,
    OTEL_EXPORTER_PROMETHEUS_HOST: host,
    OTEL_EXPORTER_PROMETHEUS_PORT: String(agentPort),
    STDIO_METRICS_PORT: String(stdioPort),
    HTTP_METRICS_PORT: String(httpPort),
    OTEL_EXPORTER_OTLP_ENDPOINT: receiver.url,
    OTEL_EXPORTER_OTLP_PROTOCOL: 'http/json',
    OTEL_BSP_SCHEDULE_DELAY: '200',
    // keep the three processes up while the demo (and you) read their /metrics;
    // with --once the demo ends the linger by closing the agent's stdin
    AGENT_LINGER_MS: String(24 * 3600 * 1000),
    AGENT_LINGER_UNTIL_STDIN_ENDS: once ? '1' : '0',
  },
});
let agentErr = '';
agent.stderr.on('data', (/** @type {Buffer} */ d) => (agentErr += d.toString()));
agent.stdout.resume();
const agentExit = new Promise((resolve) => agent.once('exit', resolve));
process.once('SIGINT', () => agent.kill('SIGINT'));

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
  // children: wait for it by name, and for each server's tools/call span.
  const spans = await receiver.waitFor(
    (all) =>
      all.some((s) => s.service === 'claws-agent' && s.name.startsWith('invoke_agent')) &&
      ['claws-stdio', 'claws-http'].every((svc) =>
        all.some((s) => s.service === svc && s.name.startsWith('tools/call')),
      ),
  );
  const root = spans.find((s) => s.name.startsWith('invoke_agent'));
  if (root) {
    say('');
    say(`One trace across three processes — trace_id ${root.traceId}`);
    const inTrace = spans.filter((s) => s.traceId === root.traceId);
    const print = (/** @type {typeof root} */ span, depth = 0) => {
      say(`  ${'  '.repeat(depth)}${span.name}  [${span.service}, ${span.kind}]`);
      for (const child of inTrace.filter((s) => s.parentSpanId === span.spanId))
        print(child, depth + 1);
    };
    print(root);
  }
  say('');
  say(
    'Next: scrape these targets with Prometheus (docs/getting-started.md), follow an exemplar to its',
  );
  say('trace (docs/correlation.md), or start Prometheus + Grafana + Jaeger with examples/stack.');
} catch (err) {
  say(`demo: ${err instanceof Error ? err.message : String(err)}`);
  process.exitCode = 1;
}

if (process.exitCode) agent.kill('SIGTERM');
else if (!once) say('Serving /metrics until Ctrl-C.');
// With --once, ending the agent's stdin ends its linger: it closes its MCP servers and exits.
if (once) agent.stdin.end();
await agentExit;
await receiver.close();
