// self time per function (name url:line) of two .cpuprofile files; prints the biggest differences
import { readFileSync } from 'node:fs';
const load = (f) => {
  const p = JSON.parse(readFileSync(f, 'utf8'));
  const byId = new Map(p.nodes.map((n) => [n.id, n]));
  const self = new Map();
  const dt = new Map();
  const FROM = Number(process.env.FROM ?? 0);
  const ts = [];
  let t0 = p.startTime;
  for (let i = 0; i < p.samples.length; i++) {
    t0 += p.timeDeltas[i];
    ts.push(t0);
  }
  const cut = p.startTime + (p.endTime - p.startTime) * FROM;
  for (let i = 0; i < p.samples.length; i++)
    if (ts[i] >= cut)
      dt.set(p.samples[i], (dt.get(p.samples[i]) ?? 0) + (p.timeDeltas[i + 1] ?? 0));
  let total = 0;
  for (const [id, t] of dt) {
    const n = byId.get(id);
    const cf = n.callFrame;
    const key = `${cf.functionName || '(anon)'} ${cf.url.replace(/.*node_modules\//, '').replace(/^file:\/\/\/work\/wt-importgap\//, '')}:${cf.lineNumber}`;
    self.set(key, (self.get(key) ?? 0) + t);
    total += t;
  }
  return { self, total };
};
const [a, b] = [load(process.argv[2]), load(process.argv[3])];
console.log(`total ms: A ${(a.total / 1000).toFixed(0)}  B ${(b.total / 1000).toFixed(0)}`);
const keys = new Set([...a.self.keys(), ...b.self.keys()]);
const rows = [...keys]
  .map((k) => [k, (b.self.get(k) ?? 0) / 1000, (a.self.get(k) ?? 0) / 1000])
  .map(([k, x, y]) => [k, x, y, x - y]);
rows.sort((r, s) => Math.abs(s[3]) - Math.abs(r[3]));
for (const [k, x, y, d] of rows.slice(0, Number(process.argv[4] ?? 40)))
  console.log(
    `${d.toFixed(1).padStart(8)}  B ${x.toFixed(1).padStart(7)} A ${y.toFixed(1).padStart(7)}  ${k.slice(0, 150)}`,
  );
