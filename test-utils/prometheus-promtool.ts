/*
 * `promtool check metrics` on an exposition passed over stdin
 * (Debian package `prometheus`; set PROMTOOL_BIN to use another binary).
 */
import { spawn } from 'node:child_process';

export const PROMTOOL_BIN = process.env.PROMTOOL_BIN ?? 'promtool';

export interface PromtoolResult {
  code: number;
  output: string;
}

export function promtoolCheckMetrics(exposition: string): Promise<PromtoolResult> {
  return new Promise((resolve, reject) => {
    const child = spawn(PROMTOOL_BIN, ['check', 'metrics'], { stdio: ['pipe', 'pipe', 'pipe'] });
    let output = '';
    child.stdout.on('data', (d: Buffer) => (output += d.toString()));
    child.stderr.on('data', (d: Buffer) => (output += d.toString()));
    child.once('error', (err) =>
      reject(
        new Error(
          `could not run ${PROMTOOL_BIN} (${err.message}); install it with "apt-get install -y prometheus" or set PROMTOOL_BIN`,
        ),
      ),
    );
    child.once('close', (code) => resolve({ code: code ?? -1, output }));
    child.stdin.on('error', () => undefined);
    child.stdin.end(exposition);
  });
}
