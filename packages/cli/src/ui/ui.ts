/*
 * `mcpmeter ui`: parse → run. The hub itself (./hub.ts and what it loads:
 * protobufjs, the serializer) is imported only when the command runs, so
 * `mcpmeter wrap` starts no slower for it.
 */
import type { MetricsAuth } from '@mcpmeter/prometheus';
import { UsageError, parsePort, readOptions } from '../args.js';
import { Diagnostics } from '../diagnostics.js';
import { isLoopback } from './host.js';

export const UI_HELP = `Usage: mcpmeter ui [options]

A local hub: receives OTLP/HTTP (traces and metrics, JSON or protobuf) from
every instrumented process on the machine and serves a live page, its JSON
API and one /metrics for all of them. Processes started with register(),
--import, wrap or proxy find the hub by themselves and show within 10 s.

Options:
  --port <n>              port of the page, JSON API and /metrics (default: 4320)
  --otlp-port <n>         port of the OTLP/HTTP receiver (default: 4318)
  --host <host>           host of both ports (default: 127.0.0.1); another
                          than loopback needs --auth-token or --auth-user
  --auth-token <token>    require "Authorization: Bearer <token>"
  --auth-user <name>      require basic auth with this user ...
  --auth-password <pw>    ... and this password
  -h, --help              show this help

Prints the page's URL, then serves until SIGINT or SIGTERM.

Example:
  mcpmeter ui
`;

export interface UiArgs {
  host: string;
  port: number;
  otlpPort: number;
  auth?: MetricsAuth;
}

/** `mcpmeter ui …` arguments; undefined for `--help`. */
export function parseUiArgs(argv: readonly string[]): UiArgs | undefined {
  const { options, rest } = readOptions(argv, {
    '--port': 'value',
    '--otlp-port': 'value',
    '--host': 'value',
    '--auth-token': 'value',
    '--auth-user': 'value',
    '--auth-password': 'value',
    '--help': 'flag',
    '-h': 'flag',
  });
  if (options.has('--help') || options.has('-h')) return undefined;
  if (rest.length > 0) throw new UsageError(`unexpected argument ${JSON.stringify(rest[0])}`);
  const port = options.get('--port');
  const otlpPort = options.get('--otlp-port');
  const args: UiArgs = {
    host: options.get('--host') ?? '127.0.0.1',
    port: port === undefined ? 4320 : parsePort(port, '--port'),
    otlpPort: otlpPort === undefined ? 4318 : parsePort(otlpPort, '--otlp-port'),
  };
  const token = options.get('--auth-token');
  const user = options.get('--auth-user');
  const password = options.get('--auth-password');
  if (token !== undefined && (user !== undefined || password !== undefined)) {
    throw new UsageError('give either --auth-token or --auth-user/--auth-password, not both');
  }
  if (token !== undefined) {
    if (token === '') throw new UsageError('--auth-token must not be empty');
    args.auth = { bearerToken: token };
  } else if (user !== undefined || password !== undefined) {
    if (user === undefined || user === '' || user.includes(':') || password === undefined) {
      throw new UsageError('--auth-user (a name without ":") and --auth-password go together');
    }
    args.auth = { username: user, password };
  }
  if (!isLoopback(args.host) && args.auth === undefined) {
    throw new UsageError(
      `ui on ${JSON.stringify(args.host)} (not loopback) needs --auth-token or --auth-user/--auth-password`,
    );
  }
  return args;
}

/** Serves until SIGINT / SIGTERM (or `signal`); resolves with the exit status. */
export async function runUi(args: UiArgs, signal?: AbortSignal): Promise<number> {
  const diagnostics = new Diagnostics();
  const { startHub, HubListenError } = await import('./hub.js');
  let hub;
  try {
    hub = await startHub({ ...args, diagnostics });
  } catch (err) {
    if (err instanceof HubListenError) {
      diagnostics.say(err.message);
      return 1;
    }
    throw err;
  }
  process.stdout.write(`mcpmeter ui: ${hub.url} (OTLP on ${hub.otlpUrl})\n`);
  await new Promise<void>((resolve) => {
    const stop = () => resolve();
    process.once('SIGINT', stop);
    process.once('SIGTERM', stop);
    signal?.addEventListener('abort', stop, { once: true });
  });
  await hub.close();
  return 0;
}
