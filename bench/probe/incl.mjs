// inclusive time (ms) of functions whose name matches a regexp, per profile
import { readFileSync } from 'node:fs';
const re = new RegExp(process.argv[2]);
for (const f of process.argv.slice(3)) {
  const p = JSON.parse(readFileSync(f, 'utf8'));
  const byId = new Map(p.nodes.map((n) => [n.id, n]));
  const parent = new Map();
  for (const n of p.nodes) for (const c of n.children ?? []) parent.set(c, n.id);
  const dt = new Map();
  for (let i = 0; i < p.samples.length; i++)
    dt.set(p.samples[i], (dt.get(p.samples[i]) ?? 0) + (p.timeDeltas[i + 1] ?? 0));
  const incl = new Map();
  for (const [id, t] of dt) {
    const seen = new Set();
    for (let x = id; x !== undefined; x = parent.get(x)) {
      const cf = byId.get(x).callFrame;
      const k = `${cf.functionName} ${cf.url.split('/').slice(-2).join('/')}:${cf.lineNumber}`;
      if (!re.test(k) || seen.has(k)) continue;
      seen.add(k);
      incl.set(k, (incl.get(k) ?? 0) + t);
    }
  }
  console.log(`== ${f}`);
  for (const [k, t] of [...incl].sort((a, b) => b[1] - a[1]).slice(0, 25))
    console.log(`${(t / 1000).toFixed(1).padStart(8)}  ${k}`);
}
