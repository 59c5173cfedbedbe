import { spawn, type ChildProcess } from 'node:child_process';
import { constants } from 'node:os';
import type { Readable, Writable } from 'node:stream';
import {
  TELEMETRY_OPTIONS,
  UsageError,
  readOptions,
  telemetryArgs,
  type TelemetryArgs,
} from './args.js';
import { Diagnostics } from './diagnostics.js';
import { ERROR_TYPE_CONNECTION_CLOSED } from './telemetry/names.js';
import { SessionObserver } from './telemetry/session.js';
import { startTelemetry } from './telemetry/start.js';
import { LineRelay } from './wire/line-relay.js';

export const WRAP_HELP = `Usage: mcpmeter wrap [options] -- <command> [args...]

Runs a stdio MCP server and relays its stdin and stdout byte for byte, recording
a span and metrics for every request it answers (as register() names them).
stderr passes through; SIGINT, SIGTERM and SIGHUP are forwarded; mcpmeter exits
with the server's exit code. Nothing but the server's bytes is written to stdout.

Options:
  --service-name <name>   service.name (default: OTEL_SERVICE_NAME)
  --metrics-host <host>   host of /metrics (default: OTEL_EXPORTER_PROMETHEUS_HOST or localhost)
  --metrics-port <port>   port of /metrics, 0 for any free port
                          (default: OTEL_EXPORTER_PROMETHEUS_PORT or 9464)
  -h, --help              show this help

Every OTEL_* variable register() reads applies (OTEL_METRICS_EXPORTER,
OTEL_TRACES_EXPORTER, OTEL_EXPORTER_OTLP_ENDPOINT, ...).

Example:
  mcpmeter wrap --service-name weather -- uvx weather-mcp-server
`;

export interface WrapArgs extends TelemetryArgs {
  command: string;
  args: string[];
}

/** `mcpmeter wrap …` arguments; undefined for `--help`. */
export function parseWrapArgs(argv: readonly string[]): WrapArgs | undefined {
  const { options, rest } = readOptions(argv, {
    ...TELEMETRY_OPTIONS,
    '--help': 'flag',
    '-h': 'flag',
  });
  if (options.has('--help') || options.has('-h')) return undefined;
  const [command, ...args] = rest;
  if (command === undefined || command === '') {
    throw new UsageError('wrap needs the server command after --');
  }
  return { ...telemetryArgs(options), command, args };
}

/** Not answering `initialize` within this long is worth a line on stderr. */
const INITIALIZE_PATIENCE_MS = 10_000;
const FORWARDED_SIGNALS = ['SIGINT', 'SIGTERM', 'SIGHUP'] as const;

/** Runs the server until it ends; resolves with the exit status for mcpmeter. */
export async function runWrap(
  args: WrapArgs,
  io: { stdin: Readable; stdout: Writable } = { stdin: process.stdin, stdout: process.stdout },
): Promise<number> {
  const diagnostics = new Diagnostics();
  const started = startTelemetry(args, 'pipe', diagnostics, 'wrap');
  const telemetry = started.telemetry;
  const session = new SessionObserver(telemetry);

  // Signals are ours before the server starts: one that arrives while it starts
  // (a busy machine can pause us between the spawn and the next line) is passed on.
  let child: ChildProcess | undefined;
  let early: NodeJS.Signals | undefined;
  const signalHandlers = FORWARDED_SIGNALS.map((signal) => {
    const handler = () => {
      if (child === undefined) early ??= signal;
      else if (child.exitCode === null && child.signalCode === null) child.kill(signal);
    };
    process.on(signal, handler);
    return [signal, handler] as const;
  });
  const removeSignalHandlers = () => {
    for (const [signal, handler] of signalHandlers) process.removeListener(signal, handler);
  };
  try {
    child = spawn(args.command, args.args, { stdio: ['pipe', 'pipe', 'inherit'] });
  } catch (err) {
    removeSignalHandlers();
    diagnostics.say(`wrap: cannot run ${diagnostics.quote(args.command)}: ${describe(err)}`);
    await started.shutdown();
    return 127;
  }
  if (early !== undefined) child.kill(early);
  const server = child;

  let initializeTimer: NodeJS.Timeout | undefined;
  const guard = new Guard(diagnostics);
  const up = new LineRelay({
    hold: true,
    onMessage: (m, rewritable) =>
      guard.run(() => {
        const begun = session.fromClient(m);
        if (begun?.record.method === 'initialize' && initializeTimer === undefined) {
          const record = begun.record;
          initializeTimer = setTimeout(() => {
            if (!record.ended) {
              diagnostics.once(
                'initialize-unanswered',
                `wrap: the server has not answered initialize after ${INITIALIZE_PATIENCE_MS / 1000} s`,
              );
            }
          }, INITIALIZE_PATIENCE_MS).unref();
        }
        return rewritable ? begun?.traceparent : undefined;
      }),
    onLine: (result, head) => {
      if (result === 'malformed') guard.run(() => telemetry.malformed('receive', head));
    },
  });
  const down = new LineRelay({
    hold: false,
    onMessage: (m) => guard.run(() => void session.fromServer(m)),
    onLine: (result, head) => {
      if (result === 'malformed') guard.run(() => telemetry.malformed('transmit', head));
    },
  });

  const toChild = server.stdin!;
  const fromChild = server.stdout!;
  relay(io.stdin, toChild, up, guard);
  relay(fromChild, io.stdout, down, guard);
  toChild.on('error', () => {
    // the server closed its stdin or exited: what the client still sends has nowhere to go
  });
  io.stdout.on('error', () => {
    // the host closed our stdout: nothing left to deliver the server's replies to
  });

  const status = await new Promise<number>((resolve) => {
    let done = false;
    const finish = (code: number | null, signal: NodeJS.Signals | null) => {
      if (done) return;
      done = true;
      resolve(code ?? (signal ? 128 + (constants.signals[signal] ?? 0) : 1));
    };
    server.once('error', (err) => {
      diagnostics.say(`wrap: cannot run ${diagnostics.quote(args.command)}: ${describe(err)}`);
      finish((err as NodeJS.ErrnoException).code === 'ENOENT' ? 127 : 126, null);
    });
    server.once('close', finish);
    // A grandchild that inherited the server's stdout can keep 'close' from coming.
    server.once('exit', (code, signal) => {
      setTimeout(() => finish(code, signal), 2000).unref();
    });
  });

  removeSignalHandlers();
  if (initializeTimer !== undefined) clearTimeout(initializeTimer);
  guard.run(() => {
    if ([...session.pending.values()].some((r) => r.method === 'initialize')) {
      diagnostics.say(`wrap: the server exited (status ${status}) before answering initialize`);
    }
    session.close(ERROR_TYPE_CONNECTION_CLOSED);
  });
  io.stdin.pause();
  await started.shutdown();
  return status;
}

/**
 * Telemetry runs inside a guard: whatever it throws is said once, and the
 * bytes keep flowing.
 */
class Guard {
  constructor(private readonly diagnostics: Diagnostics) {}

  run<T>(fn: () => T): T | undefined {
    try {
      return fn();
    } catch (err) {
      this.diagnostics.once('telemetry-failed', `wrap: telemetry failed: ${describe(err)}`);
      return undefined;
    }
  }
}

/** Pipes `from` to `to` through `relay`, with backpressure. */
function relay(from: Readable, to: Writable, lines: LineRelay, guard: Guard): void {
  let broken = false;
  const write = (parts: Buffer[]) => {
    if (parts.length === 0) return;
    // One write per chunk: a pipe write is a system call and wakes the reader.
    const ok = to.write(parts.length === 1 ? parts[0]! : Buffer.concat(parts));
    if (!ok && !to.destroyed) {
      from.pause();
      to.once('drain', () => from.resume());
    }
  };
  from.on('data', (chunk: Buffer) => {
    if (broken) return write([chunk]);
    let parts: Buffer[];
    try {
      parts = lines.push(chunk);
    } catch (err) {
      // A bug of ours must not cost the server a byte: from now on, bytes only.
      broken = true;
      guard.run(() => {
        throw err;
      });
      parts = [...lines.drain(), chunk];
    }
    write(parts);
  });
  from.on('end', () => {
    if (!broken) {
      try {
        write(lines.end());
      } catch {
        write(lines.drain());
      }
    }
    to.end();
  });
  from.on('error', () => to.end());
}

function describe(err: unknown): string {
  const e = err as NodeJS.ErrnoException | undefined;
  if (typeof e?.code === 'string') return e.code;
  return e instanceof Error ? e.name : 'error';
}
