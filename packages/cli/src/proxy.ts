import { Agent as HttpAgent, createServer } from 'node:http';
import { Agent as HttpsAgent } from 'node:https';
import type { AddressInfo } from 'node:net';
import {
  TELEMETRY_OPTIONS,
  UsageError,
  parsePort,
  readOptions,
  telemetryArgs,
  type TelemetryArgs,
} from './args.js';
import { Diagnostics } from './diagnostics.js';
import { forward, type Sessions } from './http/exchange.js';
import { ERROR_TYPE_CONNECTION_CLOSED } from './telemetry/names.js';
import { SessionObserver } from './telemetry/session.js';
import { startTelemetry } from './telemetry/start.js';
import type { WireTelemetry } from './telemetry/wire-telemetry.js';

export const PROXY_HELP = `Usage: mcpmeter proxy --target <url> [options]

A reverse proxy in front of a Streamable HTTP MCP server that records a span
and metrics for every request it answers (as register() names them). JSON and
SSE responses, the GET stream, DELETE and every header pass through as they come.

Options:
  --target <url>          the MCP server's endpoint, e.g. http://127.0.0.1:3000/mcp (required)
  --listen <host:port>    where to listen (default: 127.0.0.1:6280; port 0 for any free port)
  --service-name <name>   service.name (default: OTEL_SERVICE_NAME)
  --metrics-host <host>   host of /metrics (default: OTEL_EXPORTER_PROMETHEUS_HOST or localhost)
  --metrics-port <port>   port of /metrics, 0 for any free port
                          (default: OTEL_EXPORTER_PROMETHEUS_PORT or 9464)
  -h, --help              show this help

Clients connect to http://<listen>/<the target's path>; other paths are
forwarded to the same path on the target. Every OTEL_* variable register()
reads applies. SIGINT or SIGTERM stops the proxy.

Example:
  mcpmeter proxy --target http://127.0.0.1:3000/mcp --listen 127.0.0.1:6280
`;

export interface ProxyArgs extends TelemetryArgs {
  target: URL;
  host: string;
  port: number;
}

const DEFAULT_HOST = '127.0.0.1';
const DEFAULT_PORT = 6280;
/** Request bodies up to this size are held for a `traceparent` rewrite. */
const MAX_HELD_BODY = 1 << 20;

/** `mcpmeter proxy …` arguments; undefined for `--help`. */
export function parseProxyArgs(argv: readonly string[]): ProxyArgs | undefined {
  const { options, rest } = readOptions(argv, {
    ...TELEMETRY_OPTIONS,
    '--target': 'value',
    '--listen': 'value',
    '--help': 'flag',
    '-h': 'flag',
  });
  if (options.has('--help') || options.has('-h')) return undefined;
  if (rest.length > 0) throw new UsageError(`unexpected argument ${JSON.stringify(rest[0])}`);
  const rawTarget = options.get('--target');
  if (rawTarget === undefined) throw new UsageError('proxy needs --target <url>');
  let target: URL;
  try {
    target = new URL(rawTarget);
  } catch {
    throw new UsageError(`--target is not a URL: ${JSON.stringify(rawTarget)}`);
  }
  if (target.protocol !== 'http:' && target.protocol !== 'https:') {
    throw new UsageError(`--target must be an http or https URL, not ${JSON.stringify(rawTarget)}`);
  }
  const { host, port } = parseListen(options.get('--listen'));
  return { ...telemetryArgs(options), target, host, port };
}

function parseListen(value: string | undefined): { host: string; port: number } {
  if (value === undefined) return { host: DEFAULT_HOST, port: DEFAULT_PORT };
  const m = /^(?:\[([^\]]+)\]|([^:]*)):(\d+)$/.exec(value);
  if (m === null) {
    if (/^\d+$/.test(value)) return { host: DEFAULT_HOST, port: parsePort(value, '--listen') };
    throw new UsageError(`--listen must be host:port, not ${JSON.stringify(value)}`);
  }
  return { host: m[1] ?? (m[2] || DEFAULT_HOST), port: parsePort(m[3]!, '--listen') };
}

/** Sessions by id; each one an observer of its own (JSON-RPC ids are per session). */
class SessionTable implements Sessions {
  private readonly byId = new Map<string, SessionObserver>();

  constructor(private readonly telemetry: WireTelemetry) {}

  get(id: string) {
    return this.byId.get(id);
  }

  ensure(id: string) {
    let observer = this.byId.get(id);
    if (observer === undefined) {
      observer = new SessionObserver(this.telemetry);
      // Ids come from the client: keep the table bounded whatever it sends.
      if (this.byId.size < 10_000) this.byId.set(id, observer);
    }
    return observer;
  }

  anonymous() {
    return new SessionObserver(this.telemetry);
  }

  adopt(id: string, observer: SessionObserver): boolean {
    if (this.byId.size >= 10_000) return false;
    this.byId.set(id, observer);
    return true;
  }

  end(id: string, errorType: string) {
    const observer = this.byId.get(id);
    if (observer === undefined) return;
    this.byId.delete(id);
    observer.close(errorType);
  }

  endAll(errorType: string) {
    for (const id of [...this.byId.keys()]) this.end(id, errorType);
  }
}

/** Serves until SIGINT / SIGTERM (or `signal`); resolves with the exit status. */
export async function runProxy(args: ProxyArgs, signal?: AbortSignal): Promise<number> {
  const diagnostics = new Diagnostics();
  const started = startTelemetry(args, 'tcp', diagnostics, 'proxy');
  const sessions = new SessionTable(started.telemetry);
  const agent =
    args.target.protocol === 'https:'
      ? new HttpsAgent({ keepAlive: true })
      : new HttpAgent({ keepAlive: true });
  const ctx = {
    target: args.target,
    path: args.target.pathname,
    agent,
    telemetry: started.telemetry,
    sessions,
    maxHeld: MAX_HELD_BODY,
  };
  const server = createServer((req, res) => forward(ctx, req, res));
  // SSE streams stay open as long as the session does.
  server.requestTimeout = 0;
  const listening = await new Promise<boolean>((resolve) => {
    server.once('error', (err: NodeJS.ErrnoException) => {
      diagnostics.say(
        `proxy: cannot listen on ${diagnostics.quote(`${args.host}:${args.port}`)}: ${err.code ?? err.name}`,
      );
      resolve(false);
    });
    server.listen(args.port, args.host, () => resolve(true));
  });
  if (!listening) {
    await started.shutdown();
    return 1;
  }
  const address = server.address() as AddressInfo;
  const host = address.family === 'IPv6' ? `[${address.address}]` : address.address;
  diagnostics.say(
    `proxy: listening on http://${host}:${address.port}${ctx.path} for ${diagnostics.quote(args.target.href)}`,
  );

  await new Promise<void>((resolve) => {
    const stop = () => resolve();
    process.once('SIGINT', stop);
    process.once('SIGTERM', stop);
    signal?.addEventListener('abort', stop, { once: true });
  });
  server.close();
  server.closeAllConnections();
  agent.destroy();
  sessions.endAll(ERROR_TYPE_CONNECTION_CLOSED);
  await started.shutdown();
  return 0;
}
