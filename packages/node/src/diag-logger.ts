import { diag, DiagLogLevel, type DiagLogger } from '@opentelemetry/api';

const DEBUG = DiagLogLevel.DEBUG;

/*
 * Every diagnostic of the process (mcpmeter's and the OpenTelemetry SDK's) goes
 * through here to stderr — never stdout, which carries a stdio MCP server's
 * protocol — as single lines that:
 * - start with `mcpmeter:`;
 * - carry no control character, newline or NUL (values from peers — model names,
 *   tool names, error messages — are escaped wherever they sit in the line), and
 *   are at most MAX_LINE characters;
 * - are said once per distinct problem: a repeat is counted, and a summary line
 *   says how often it came back, at most once a minute; past MAX_KINDS distinct
 *   problems in one minute (names a peer controls could otherwise make every line
 *   distinct), further ones are counted into one summary line too.
 */

const MAX_LINE = 1000;
const MAX_KINDS = 20;
const WINDOW_MS = 60_000;

/** Escapes control characters (C0, DEL, C1, U+2028/2029) as `\n`, `\x00`, `\u2028`… */
export function escapeControl(text: string): string {
  // eslint-disable-next-line no-control-regex
  return text.replace(/[\u0000-\u001f\u007f-\u009f\u2028\u2029]/g, (c) => {
    if (c === '\n') return '\\n';
    if (c === '\r') return '\\r';
    if (c === '\t') return '\\t';
    const code = c.charCodeAt(0);
    return code < 0x100
      ? `\\x${code.toString(16).padStart(2, '0')}`
      : `\\u${code.toString(16).padStart(4, '0')}`;
  });
}

/** One stderr line: prefixed, escaped, truncated. */
export function formatLine(message: string, args: readonly unknown[] = []): string {
  let text = message;
  for (const a of args) text += ` ${describe(a)}`;
  text = escapeControl(text);
  if (!text.startsWith('mcpmeter:')) text = `mcpmeter: ${text}`;
  return text.length > MAX_LINE ? `${text.slice(0, MAX_LINE - 1)}…` : text;
}

function describe(value: unknown): string {
  try {
    if (value instanceof Error) return `${value.name}: ${value.message}`;
    if (typeof value === 'object' && value !== null) return JSON.stringify(value) ?? '[object]';
    return String(value);
  } catch {
    return '[unprintable]';
  }
}

/**
 * The kind of a line, for "the same problem again": values that vary between
 * repeats (numbers, quoted values, URLs) do not make a new kind.
 */
export function problemKind(line: string): string {
  return line
    .replace(/"(?:[^"\\]|\\.)*"|'(?:[^'\\]|\\.)*'/g, '"…"')
    .replace(/\b\w+:\/\/\S+/g, 'URL')
    .replace(/\d+(\.\d+)?/g, '#')
    .slice(0, 160);
}

type Write = (line: string) => void;

/** Says each distinct problem once, then summarises repeats once a window. */
export class LineGate {
  private readonly seen = new Map<string, { first: string; repeats: number }>();
  private overflow = 0;
  private timer: ReturnType<typeof setInterval> | undefined;

  constructor(
    private readonly write: Write,
    private readonly windowMs = WINDOW_MS,
  ) {}

  say(line: string): void {
    const kind = problemKind(line);
    const entry = this.seen.get(kind);
    if (entry !== undefined) {
      entry.repeats++;
      this.arm();
      return;
    }
    if (this.seen.size >= MAX_KINDS) {
      this.overflow++;
      this.arm();
      return;
    }
    this.seen.set(kind, { first: line, repeats: 0 });
    this.arm();
    this.write(line);
  }

  /** Writes the summaries of the window that ends now and starts a new one. */
  flush(): void {
    for (const [kind, entry] of this.seen) {
      if (entry.repeats > 0) {
        const what = entry.first.replace(/^mcpmeter: /, '');
        this.write(
          formatLine(
            `mcpmeter: … repeated ${entry.repeats} time${entry.repeats === 1 ? '' : 's'} in the last minute: ${what.slice(0, 200)}`,
          ),
        );
        entry.repeats = 0;
      } else {
        // Said, and quiet for a whole window: it may be said again later.
        this.seen.delete(kind);
      }
    }
    if (this.overflow > 0) {
      this.write(
        `mcpmeter: … and ${this.overflow} more diagnostic line${this.overflow === 1 ? '' : 's'} of other kinds in the last minute (more than ${MAX_KINDS} kinds; OTEL_LOG_LEVEL=debug shows the first of each)`,
      );
      this.overflow = 0;
    }
    if (this.seen.size === 0 && this.timer !== undefined) {
      clearInterval(this.timer);
      this.timer = undefined;
    }
  }

  private arm(): void {
    if (this.timer !== undefined) return;
    this.timer = setInterval(() => this.flush(), this.windowMs);
    this.timer.unref?.();
  }
}

function writeStderr(line: string): void {
  try {
    process.stderr.write(`${line}\n`);
  } catch {
    // stderr closed: nothing left to tell
  }
}

/*
 * The OTLP exporters log each failed or retried export themselves; mcpmeter's
 * exporter wrapper says the outage once (and its end), so theirs are debug detail.
 */
const EXPORT_DETAIL =
  /^(Export failed with (non-)?retryable error|Export succeeded after|OTLPExporterError)/;

export function createStderrLogger(
  write: Write = writeStderr,
  level: number = DiagLogLevel.ALL,
): DiagLogger {
  const gate = new LineGate(write);
  const at =
    (kind: string) =>
    (message: string, ...args: unknown[]) => {
      try {
        const text = typeof message === 'string' ? message : describe(message);
        if (EXPORT_DETAIL.test(text) && kind !== 'debug' && kind !== 'verbose') {
          if (level >= Number(DEBUG)) write(formatLine(text, args));
          return;
        }
        const line = formatLine(text, args);
        // Debug and verbose lines are asked for: every one is written.
        if (kind === 'debug' || kind === 'verbose') write(line);
        else gate.say(line);
      } catch {
        // a diagnostic must never become a failure of its own
      }
    };
  return {
    error: at('error'),
    warn: at('warn'),
    info: at('info'),
    debug: at('debug'),
    verbose: at('verbose'),
  };
}

/** One logger (and so one set of problems already said) per registration. */
export function installDiagLogger(level: DiagLogLevel): void {
  diag.setLogger(createStderrLogger(writeStderr, level), {
    logLevel: level,
    suppressOverrideMessage: true,
  });
}
