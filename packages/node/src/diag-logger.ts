import { diag, type DiagLogger, type DiagLogLevel } from '@opentelemetry/api';

/*
 * OTel's DiagConsoleLogger sends info/debug to console.info/console.debug, which
 * write to stdout — and stdout carries the protocol of a stdio MCP server. This
 * logger writes every level to stderr.
 */
const write =
  (level: string) =>
  (message: string, ...args: unknown[]) => {
    try {
      const extra = args.length ? ' ' + args.map(String).join(' ') : '';
      process.stderr.write(
        `${level === 'error' || level === 'warn' ? '' : `[${level}] `}${message}${extra}\n`,
      );
    } catch {
      // stderr closed: nothing left to tell
    }
  };

export const stderrLogger: DiagLogger = {
  error: write('error'),
  warn: write('warn'),
  info: write('info'),
  debug: write('debug'),
  verbose: write('verbose'),
};

export function installDiagLogger(level: DiagLogLevel): void {
  diag.setLogger(stderrLogger, { logLevel: level, suppressOverrideMessage: true });
}
