// idle servers: context switches and CPU per second with no requests
import { fork } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
const BENCH = join(import.meta.dirname, '..');
const clean = { ...process.env };
delete clean.NODE_OPTIONS;
for (const k of Object.keys(clean)) if (/^(OTEL_|MCPMETER_)/.test(k)) delete clean[k];
const M = {
  OTEL_TRACES_EXPORTER: 'none',
  OTEL_EXPORTER_PROMETHEUS_PORT: '0',
  OTEL_EXPORTER_OTLP_ENDPOINT: 'http://127.0.0.1:9/x',
};
const C = {
  base: [[], {}],
  imp: [['--import', '@mcpmeter/node/register'], M],
  exp: [[], { ...M, BENCH_MCPMETER_EXPLICIT: '1' }],
  imprt: [['--import', '@mcpmeter/node/register'], { ...M, MCPMETER_RUNTIME_METRICS: 'false' }],
  exprt: [[], { ...M, BENCH_MCPMETER_EXPLICIT: '1', MCPMETER_RUNTIME_METRICS: 'false' }],
};
const kids = Object.entries(C).map(([name, [execArgv, env]]) => {
  const c = fork(join(BENCH, 'mcp-http-server.mjs'), [], {
    cwd: BENCH,
    execArgv,
    env: { ...clean, ...env },
    stdio: ['ignore', 'pipe', 'pipe', 'ipc'],
  });
  return { name, c, ready: new Promise((r) => c.once('message', r)) };
});
await Promise.all(kids.map((k) => k.ready));
await new Promise((r) => setTimeout(r, 2000));
const snap = (pid) => {
  const st = readFileSync(`/proc/${pid}/stat`, 'utf8').split(') ')[1].split(' ');
  let sw = 0;
  for (const t of readFileSync(`/proc/${pid}/task/${pid}/status`, 'utf8').match(
    /voluntary_ctxt_switches:\s+(\d+)/g,
  ) ?? [])
    sw += Number(t.split(/\s+/)[1]);
  return { sw, cpu: (Number(st[11]) + Number(st[12])) * 10 };
};
const a = kids.map((k) => snap(k.c.pid));
await new Promise((r) => setTimeout(r, 10000));
kids.forEach((k, i) => {
  const b = snap(k.c.pid);
  console.log(
    `${k.name.padEnd(6)} main-thread ctx switches/s ${((b.sw - a[i].sw) / 10).toFixed(1)}  CPU ms/s ${((b.cpu - a[i].cpu) / 10).toFixed(2)}`,
  );
  k.c.kill();
});
