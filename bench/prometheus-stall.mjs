// Longest event-loop stall while one scrape runs: a setImmediate loop records
// the largest gap between its ticks.
export async function measureStall(reader, official) {
  async function gapsDuring(run) {
    let last = performance.now();
    let maxGap = 0;
    let on = true;
    const tick = () => {
      const now = performance.now();
      maxGap = Math.max(maxGap, now - last);
      last = now;
      if (on) setImmediate(tick);
    };
    setImmediate(tick);
    await new Promise((r) => setImmediate(r));
    const start = performance.now();
    last = start;
    await run();
    const total = performance.now() - start;
    await new Promise((r) => setImmediate(r));
    on = false;
    return { maxGap, total };
  }
  const rows = [];
  const best = async (name, run) => {
    const runs = [];
    for (let i = 0; i < 5; i++) runs.push(await gapsDuring(run));
    runs.sort((a, b) => a.maxGap - b.maxGap);
    rows.push({ name: `${name} (median of 5)`, ...runs[2] });
  };
  await best('mcpmeter reader.scrape, OpenMetrics', () => reader.scrape('openmetrics'));
  await best('mcpmeter reader.scrape, text 0.0.4', () => reader.scrape('text'));
  await best('official: collect + serialize', async () =>
    official.serialize((await reader.collect()).resourceMetrics),
  );
  return rows;
}
