// Ports for the demo: the hub's defaults when they are free, free ones otherwise.
import { createServer } from 'node:net';

/** @param {number} port @returns {Promise<boolean>} whether 127.0.0.1:port can be bound now */
export function bindable(port) {
  return new Promise((resolve) => {
    const srv = createServer();
    srv.once('error', () => resolve(false));
    srv.listen(port, '127.0.0.1', () => srv.close(() => resolve(true)));
  });
}

/**
 * Ports for the hub and the three processes of `--once`, which bind them a moment later. They
 * come from below the kernel's ephemeral range (20000–32767), where no outgoing
 * connection takes its source port in the meantime, and are checked bindable.
 * @param {number} n
 */
export async function freePorts(n) {
  /** @type {any[]} the demo destructures as many as it asked for */
  const ports = [];
  let port = 20_000 + Math.floor(Math.random() * 12_000);
  while (ports.length < n) {
    const candidate = port++;
    if (await bindable(candidate)) ports.push(candidate);
  }
  return ports;
}
