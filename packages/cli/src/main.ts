import { UsageError } from './args.js';
import { PROXY_HELP, parseProxyArgs, runProxy } from './proxy.js';
import { UI_HELP, parseUiArgs, runUi } from './ui/ui.js';
import { PACKAGE_VERSION } from './version.js';
import { WRAP_HELP, parseWrapArgs, runWrap } from './wrap.js';

export const MAIN_HELP = `Usage: mcpmeter <command> [options]

Commands:
  wrap [options] -- <command> [args...]   observe a stdio MCP server
  proxy --target <url> [options]          observe a Streamable HTTP MCP server
  ui [options]                            a live local page of every instrumented process

Run "mcpmeter <command> --help" for a command's options.
`;

/**
 * Runs `mcpmeter` with `argv` (the arguments after the program name) and
 * resolves with the exit status. Never rejects: problems are said on stderr.
 */
export async function main(argv: readonly string[]): Promise<number> {
  const [command, ...rest] = argv;
  try {
    switch (command) {
      case 'wrap': {
        const args = parseWrapArgs(rest);
        if (args === undefined) return help(WRAP_HELP);
        return await runWrap(args);
      }
      case 'proxy': {
        const args = parseProxyArgs(rest);
        if (args === undefined) return help(PROXY_HELP);
        return await runProxy(args);
      }
      case 'ui': {
        const args = parseUiArgs(rest);
        if (args === undefined) return help(UI_HELP);
        return await runUi(args);
      }
      case '--version':
      case '-v':
        return help(`${PACKAGE_VERSION}\n`);
      case undefined:
      case 'help':
      case '--help':
      case '-h':
        return help(MAIN_HELP);
      default:
        throw new UsageError(`unknown command ${JSON.stringify(command)}`);
    }
  } catch (err) {
    if (err instanceof UsageError) {
      process.stderr.write(`mcpmeter: ${err.message} (see "mcpmeter --help")\n`);
      return 2;
    }
    process.stderr.write(`mcpmeter: failed: ${err instanceof Error ? err.name : 'error'}\n`);
    return 1;
  }
}

/** Help goes to stdout, as for any command; no server is running then. */
function help(text: string): number {
  process.stdout.write(text);
  return 0;
}
