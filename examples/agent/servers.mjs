// Starts examples/mcp-server/http.mjs as a child process on a free port.
import { spawn } from 'node:child_process';
import { dirname } from 'node:path';

/**
 * @param {string} script  path of http.mjs
 * @param {NodeJS.ProcessEnv} env
 * @returns {Promise<{ url: string, stop(): Promise<void> }>}
 */
export function spawnHttpServer(script, env) {
  const child = spawn(process.execPath, [script], {
    cwd: dirname(script),
    env: { ...env, PORT: '0' },
    stdio: ['ignore', 'inherit', 'pipe'],
  });
  let err = '';
  return new Promise((resolve, reject) => {
    const onData = (/** @type {Buffer} */ d) => {
      err += d.toString();
      process.stderr.write(d);
      const m = /MCP at (http:\/\/\S+)/.exec(err);
      if (m) {
        child.stderr?.off('data', onData);
        child.stderr?.on('data', (/** @type {Buffer} */ more) => process.stderr.write(more));
        resolve({
          url: m[1] ?? '',
          stop: () =>
            new Promise((done) => {
              if (child.exitCode !== null) return done();
              child.once('exit', () => done());
              child.kill('SIGTERM');
            }),
        });
      }
    };
    child.stderr?.on('data', onData);
    child.once('exit', (code) =>
      reject(new Error(`http.mjs exited (${code}) before listening:\n${err}`)),
    );
  });
}
