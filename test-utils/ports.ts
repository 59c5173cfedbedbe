/*
 * Ports for processes a test starts and must name in advance (a child's metrics
 * port, a Prometheus scrape target). Servers the test process runs itself listen
 * on port 0 and read the port back; a child process cannot hand its port back, so
 * it is given one.
 *
 * Asking the kernel for port 0, closing it and passing the number on is a race:
 * that port comes from the ephemeral range, where every outgoing connection
 * (fetch, the OTLP exporters, Prometheus's scrapes) also takes its source port, so
 * by the time the child binds it, the port can be in use. These ports come from
 * below the ephemeral range (20000–32767), which the kernel never hands out by
 * itself, in a slice of their own per test worker so parallel workers never offer
 * the same one, starting at a random point of the slice (test files run in fresh
 * processes), and each one is checked bindable on 127.0.0.1 before it is returned.
 */
import { createServer } from 'node:net';

const LOW = 20_000;
const HIGH = 32_768;
const SLICES = 8;
const SLICE = Math.floor((HIGH - LOW) / SLICES);
const worker = Number(process.env.VITEST_POOL_ID ?? process.env.VITEST_WORKER_ID ?? 0) % SLICES;
let next = Math.floor(Math.random() * SLICE);

function bindable(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const srv = createServer();
    srv.once('error', () => resolve(false));
    srv.listen(port, '127.0.0.1', () => srv.close(() => resolve(true)));
  });
}

export async function freePort(): Promise<number> {
  for (let tries = 0; tries < SLICE; tries++) {
    const port = LOW + worker * SLICE + (next++ % SLICE);
    if (await bindable(port)) return port;
  }
  throw new Error(`no free port in ${LOW + worker * SLICE}–${LOW + (worker + 1) * SLICE - 1}`);
}
