// probe driver: interleaved blocks of tools/call against mcp-http-server.mjs configurations
import { fork } from 'node:child_process';
import { Agent, request } from 'node:http';
import { join } from 'node:path';
import { readFileSync, readdirSync } from 'node:fs';
const threads = (pid) => {
  const o = {};
  for (const t of readdirSync(`/proc/${pid}/task`)) {
    try {
      const st = readFileSync(`/proc/${pid}/task/${t}/stat`, 'utf8');
      const comm = st.slice(st.indexOf('(') + 1, st.lastIndexOf(')')).replace(/[0-9]+$/, '');
      const f = st.slice(st.lastIndexOf(')') + 2).split(' ');
      o[comm] = (o[comm] ?? 0) + (Number(f[11]) + Number(f[12])) * 10;
    } catch {
      // the thread ended meanwhile
    }
  }
  return o;
};
const BENCH = join(import.meta.dirname, '..');
const ROUNDS = Number(process.env.R ?? 10),
  BLOCK = Number(process.env.B ?? 300),
  WARM = Number(process.env.W ?? 800);
const TRACE_GC = process.env.TRACE_GC === '1';
const PROF = process.env.PROF;
const clean = { ...process.env };
delete clean.NODE_OPTIONS;
for (const k of Object.keys(clean))
  if (/^(OTEL_|MCPMETER_|SENTRY_|R$|B$|W$)/.test(k)) delete clean[k];
const M = {
  OTEL_TRACES_EXPORTER: 'none',
  OTEL_EXPORTER_PROMETHEUS_PORT: '0',
  OTEL_EXPORTER_OTLP_ENDPOINT: 'http://127.0.0.1:9/x',
};
const ALL = {
  base: { execArgv: [], env: {} },
  imp: { execArgv: ['--import', '@mcpmeter/node/register'], env: M },
  exp: { execArgv: [], env: { ...M, BENCH_MCPMETER_EXPLICIT: '1' } },
  impfull: { execArgv: ['--import', './probe/imp-full.mjs'], env: M },
  mcpoff: {
    execArgv: ['--import', './probe/imp-mcpoff.mjs'],
    env: { ...M, BENCH_MCPMETER_EXPLICIT: '1' },
  },
  mcpdis: {
    execArgv: ['--import', './probe/imp-mcpdisabled.mjs'],
    env: { ...M, BENCH_MCPMETER_EXPLICIT: '1' },
  },
  nohooks: {
    execArgv: ['--import', './probe/imp-nohooks.mjs'],
    env: { ...M, BENCH_MCPMETER_EXPLICIT: '1' },
  },
  impcount: {
    execArgv: ['--import', './probe/count-hooks.mjs', '--import', '@mcpmeter/node/register'],
    env: M,
  },
  expcount: {
    execArgv: ['--import', './probe/count-hooks.mjs'],
    env: { ...M, BENCH_MCPMETER_EXPLICIT: '1' },
  },
  exprt: {
    execArgv: [],
    env: { ...M, BENCH_MCPMETER_EXPLICIT: '1', MCPMETER_RUNTIME_METRICS: 'false' },
  },
  impspans: {
    execArgv: ['--import', './probe/count-spans.mjs', '--import', '@mcpmeter/node/register'],
    env: M,
  },
  expspans: {
    execArgv: ['--import', './probe/count-spans.mjs'],
    env: { ...M, BENCH_MCPMETER_EXPLICIT: '1' },
  },
  fullspans: {
    execArgv: ['--import', './probe/count-spans.mjs', '--import', './probe/imp-full.mjs'],
    env: M,
  },
  imprt: {
    execArgv: ['--import', '@mcpmeter/node/register'],
    env: { ...M, MCPMETER_RUNTIME_METRICS: 'false' },
  },
  imphub: { execArgv: ['--import', '@mcpmeter/node/register'], env: { ...M, MCPMETER_HUB: 'off' } },
  impwire: {
    execArgv: ['--import', '@mcpmeter/node/register'],
    env: { ...M, MCPMETER_LLM_WIRE: 'false' },
  },
};
const names = (process.env.CONFIGS ?? 'base,imp,exp').split(',');
const agent = new Agent({ keepAlive: true, maxSockets: 1 });
function post(port, headers, payload) {
  return new Promise((resolve, reject) => {
    const body = JSON.stringify(payload);
    const req = request(
      {
        host: '127.0.0.1',
        port,
        path: '/mcp',
        method: 'POST',
        agent,
        headers: {
          'content-type': 'application/json',
          accept: 'application/json, text/event-stream',
          'content-length': Buffer.byteLength(body),
          ...headers,
        },
      },
      (res) => {
        let text = '';
        res.setEncoding('utf8');
        res.on('data', (d) => (text += d));
        res.on('end', () => resolve({ status: res.statusCode, headers: res.headers, text }));
      },
    );
    req.on('error', reject);
    req.end(body);
  });
}
async function start(name) {
  const c = ALL[name];
  const execArgv = [...c.execArgv, '--expose-gc'];
  if (TRACE_GC) execArgv.push('--trace-gc');
  if (process.env.TRACE_DEOPT) execArgv.push('--trace-deopt', '--trace-opt');
  if (PROF)
    execArgv.push('--cpu-prof', `--cpu-prof-dir=${PROF}`, `--cpu-prof-name=${name}.cpuprofile`);
  const child = fork(join(BENCH, 'mcp-http-server.mjs'), [], {
    cwd: BENCH,
    execArgv,
    env: { ...clean, ...c.env },
    stdio: ['ignore', 'pipe', 'pipe', 'ipc'],
  });
  let out = '',
    err = '';
  child.stdout.on('data', (d) => (out += d));
  child.stderr.on('data', (d) => (err += d));
  const replies = [];
  child.on('message', (m) => replies.shift()?.(m));
  const ask = (msg) =>
    new Promise((res, rej) => {
      const t = setTimeout(() => rej(new Error(name + err)), 20000);
      replies.push((m) => (clearTimeout(t), res(m)));
      if (msg) child.send(msg);
    });
  const { port } = await ask();
  const init = await post(
    port,
    {},
    {
      jsonrpc: '2.0',
      id: 0,
      method: 'initialize',
      params: {
        protocolVersion: '2025-06-18',
        capabilities: {},
        clientInfo: { name: 'b', version: '1' },
      },
    },
  );
  const headers = {
    'mcp-session-id': init.headers['mcp-session-id'],
    'mcp-protocol-version': '2025-06-18',
  };
  await post(port, headers, { jsonrpc: '2.0', method: 'notifications/initialized' });
  let id = 1;
  const call = async () => {
    const n = id++;
    const r = await post(port, headers, {
      jsonrpc: '2.0',
      id: n,
      method: 'tools/call',
      params: { name: 'echo', arguments: { text: `hello ${n}` } },
    });
    if (r.status !== 200) throw new Error(r.text);
    if (process.env.SHOW && n === 5)
      console.log(name, JSON.stringify(r.headers), JSON.stringify(r.text));
  };
  return {
    name,
    pid: child.pid,
    call,
    heap: () => ask('heap'),
    cpu: () => ask('cpu'),
    stop: () =>
      new Promise((r) => {
        child.once('exit', r);
        child.send('exit');
      }),
    out: () => out,
    err: () => err,
    st: { cycle: [], block: [], starts: [], gc0: 0 },
  };
}
const servers = [];
for (const n of names) servers.push(await start(n));
for (const s of servers) for (let i = 0; i < WARM; i++) await s.call();
const gcCount = (s) => {
  const lines = s
    .out()
    .split('\n')
    .filter((l) => / ms: /.test(l));
  let alloc = 0,
    prevAfter,
    ms = 0,
    sc = 0,
    mc = 0;
  for (const l of lines) {
    const m =
      /: (Scavenge|Mark-Compact|Mark-Sweep|Minor Mark-Sweep)[^0-9]*([0-9.]+) \(([0-9.]+)\) -> ([0-9.]+) \(([0-9.]+)\) MB, [^0-9]*([0-9.]+ MB, )?([0-9.]+) \/ ([0-9.]+) ms/.exec(
        l,
      );
    if (!m) continue;
    if (m[1] === 'Scavenge') sc++;
    else mc++;
    const before = Number(m[2]),
      after = Number(m[4]);
    if (prevAfter !== undefined && before > prevAfter) alloc += before - prevAfter;
    prevAfter = after;
    ms += Number(m[7]);
  }
  return { sc, mc, alloc, ms, n: lines.length };
};
for (const s of servers) s.st.gcStart = gcCount(s);
for (const s of servers) s.st.th0 = threads(s.pid);
for (const s of servers) s.st.outLen0 = s.out().length;
if (process.env.HEAP) {
  for (const s of servers) s.st.h0 = (await s.heap()).used;
}
for (let round = 0; round <= ROUNDS; round++) {
  for (let k = 0; k < servers.length; k++) {
    const s = servers[(round + k) % servers.length];
    const b = await s.cpu();
    s.st.starts.push(b.user + b.system);
    if (round === ROUNDS) continue;
    for (let i = 0; i < BLOCK; i++) await s.call();
    const a = await s.cpu();
    s.st.block.push((a.user + a.system - b.user - b.system) / BLOCK);
    s.st.rss = a.rss;
  }
}
const med = (a) => {
  const s = [...a].sort((x, y) => x - y);
  const n = s.length;
  return n % 2 ? s[(n - 1) / 2] : (s[n / 2 - 1] + s[n / 2]) / 2;
};
for (const s of servers)
  for (let r = 0; r + 1 < s.st.starts.length; r++)
    s.st.cycle.push((s.st.starts[r + 1] - s.st.starts[r]) / BLOCK);
if (process.env.HEAP) {
  for (const s of servers) {
    const h = (await s.heap()).used;
    console.log(
      `${s.name} retained bytes/call after gc: ${((h - s.st.h0) / (ROUNDS * BLOCK)).toFixed(1)} (heap ${(h / 2 ** 20).toFixed(1)} MiB)`,
    );
  }
}
for (const s of servers) {
  const t = threads(s.pid);
  console.log(
    s.name.padEnd(9),
    Object.entries(t)
      .map(([k, v]) => `${k}:${(((v - (s.st.th0[k] ?? 0)) * 1000) / (ROUNDS * BLOCK)).toFixed(0)}`)
      .join(' '),
    'µs/call',
  );
}
if (process.env.TRACE_DEOPT)
  for (const s of servers) {
    const o = s.out().slice(s.st.outLen0);
    const { writeFileSync } = await import('node:fs');
    writeFileSync(`/tmp/ig-deopt-${s.name}.log`, o);
    console.log(
      s.name,
      'steady-state deopt lines',
      (o.match(/bailout|deoptimiz/gi) ?? []).length,
      'opt lines',
      (o.match(/completed optimizing|compiling method/g) ?? []).length,
    );
  }
const base = servers[0].st;
const calls = ROUNDS * BLOCK;
for (const s of servers) {
  const g = gcCount(s);
  console.log(
    `${s.name.padEnd(9)} cycle ${med(s.st.cycle).toFixed(1)} µs  ratio ${med(s.st.cycle.map((v, r) => v / base.cycle[r])).toFixed(3)}  block ${med(s.st.block).toFixed(1)}  blockratio ${med(s.st.block.map((v, r) => v / base.block[r])).toFixed(3)}  rss ${(s.st.rss / 2 ** 20).toFixed(0)}MiB` +
      (TRACE_GC
        ? `  scav ${g.sc - s.st.gcStart.sc} mc ${g.mc - s.st.gcStart.mc} allocKB/call ${(((g.alloc - s.st.gcStart.alloc) * 1024) / calls).toFixed(1)} gc µs/call ${(((g.ms - s.st.gcStart.ms) * 1000) / calls).toFixed(1)}`
        : ''),
  );
}
for (const s of servers) {
  const e = s.err().trim();
  if (e) console.log(`${s.name} stderr: ${e.slice(0, 300)}`);
}
for (const s of servers) await s.stop();
agent.destroy();
for (const s of servers) {
  const e = s.err().trim();
  if (e) console.log(`${s.name} stderr at exit: ${e.slice(-300)}`);
}
