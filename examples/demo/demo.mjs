// pnpm demo — the whole mcpmeter story on one machine, no network needed.
//
// 1. register() starts the Prometheus exposition (http://localhost:9464/metrics
//    unless OTEL_EXPORTER_PROMETHEUS_PORT says otherwise) and OTLP trace export.
// 2. The demo does some instrumented work and reads its own /metrics back.
// 3. It keeps serving until Ctrl-C (or exits at once with --once, as CI runs it).
//
// Everything it prints goes to stderr: mcpmeter keeps stdout clean for stdio MCP servers.
import { metrics, trace } from '@opentelemetry/api';
import { register } from '@mcpmeter/node';

const once = process.argv.includes('--once');
const say = (line = '') => process.stderr.write(`${line}\n`);

const telemetry = register({
  serviceName: process.env.OTEL_SERVICE_NAME ?? 'mcpmeter-demo',
  // No collector on a fresh machine: keep traces local unless one is configured.
  traces:
    process.env.OTEL_TRACES_EXPORTER || process.env.OTEL_EXPORTER_OTLP_ENDPOINT
      ? {}
      : { exporter: 'none' },
});
try {
  await telemetry.ready;
} catch (err) {
  say(`demo: ${err instanceof Error ? err.message : String(err)}`);
  say('demo: continuing without the standalone /metrics server.');
}

const tracer = trace.getTracer('mcpmeter-demo');
const requests = metrics
  .getMeter('mcpmeter-demo')
  .createCounter('demo.requests', { unit: '{request}' });
for (let i = 0; i < 5; i++) {
  tracer.startActiveSpan('demo work', (span) => {
    requests.add(1, { outcome: i === 4 ? 'error' : 'ok' });
    span.end();
  });
}

if (telemetry.metricsUrl) {
  const body = await (await fetch(telemetry.metricsUrl)).text();
  const pick = (/** @type {RegExp} */ re) =>
    body.split('\n').filter((l) => re.test(l) && !l.startsWith('#'));
  say('');
  say(`mcpmeter demo — metrics at ${telemetry.metricsUrl}`);
  say('');
  for (const line of [
    ...pick(/^target_info/),
    ...pick(/^demo_requests/),
    ...pick(/^nodejs_eventloop_utilization/),
  ]) {
    say(`  ${line.length > 160 ? line.slice(0, 157) + '...' : line}`);
  }
  say('');
  say(`Try: curl -s ${telemetry.metricsUrl} | head`);
}

if (once) {
  await telemetry.shutdown();
} else {
  say('Serving until Ctrl-C.');
  setInterval(() => {}, 1 << 30);
}
