/* The sdk-server fixture over Streamable HTTP with `mcpmeter proxy` in front of it. */
import { fileURLToPath } from 'node:url';
import { startNode, type Child } from '../../../test-utils/process.js';
import { BIN, wrapEnv } from './helpers.js';

export const SERVER = fileURLToPath(new URL('./fixtures/sdk-server.mjs', import.meta.url));
export const CWD = fileURLToPath(new URL('..', import.meta.url));

export interface Proxied {
  server: Child;
  proxy: Child;
  url: string;
  metricsUrl: string;
  stop(): Promise<void>;
}

/** The sdk-server fixture over HTTP, and `mcpmeter proxy` in front of it. */
export async function startProxied(
  serverEnv: Record<string, string>,
  proxyEnv: Record<string, string> = {},
): Promise<Proxied> {
  const server = startNode([SERVER], { cwd: CWD, env: wrapEnv(serverEnv) });
  const [, target] = await server.waitFor(/MCP at (\S+)/);
  const proxy = startNode([BIN, 'proxy', '--target', target!, '--listen', '127.0.0.1:0'], {
    cwd: CWD,
    env: wrapEnv(proxyEnv),
  });
  const [, url] = await proxy.waitFor(/listening on (\S+)/);
  const metricsUrl =
    proxyEnv.OTEL_METRICS_EXPORTER === 'otlp' ? '' : (await proxy.waitFor(/metrics at (\S+)/))[1]!;
  return {
    server,
    proxy,
    url: url!,
    metricsUrl,
    async stop() {
      await proxy.kill('SIGTERM');
      await server.kill('SIGTERM');
    },
  };
}
