/*
 * Diagnostics are single `mcpmeter:` lines on stderr, values from outside
 * escaped and truncated, one per distinct problem (DESIGN.md, invariant 7).
 * stdout is never written: in `wrap` it carries the server's protocol.
 */

const MAX_QUOTED = 80;

export class Diagnostics {
  private readonly seen = new Map<string, number>();

  constructor(
    private readonly write: (line: string) => void = (line) => {
      try {
        process.stderr.write(line);
      } catch {
        // stderr closed: nothing left to tell
      }
    },
  ) {}

  /** Writes `mcpmeter: <message>` (message already escaped). */
  say(message: string): void {
    this.write(`mcpmeter: ${message}\n`);
  }

  /** Says `message` the first time `key` comes up; later ones are only counted. */
  once(key: string, message: string): void {
    const n = this.seen.get(key) ?? 0;
    if (this.seen.size < 1000 || n > 0) this.seen.set(key, n + 1);
    if (n === 0) this.say(message);
  }

  /** How often `key` came up. */
  count(key: string): number {
    return this.seen.get(key) ?? 0;
  }

  /** A value from outside, as a JSON string literal: escaped, on one line, truncated. */
  quote(value: string): string {
    const clipped = value.length > MAX_QUOTED ? `${value.slice(0, MAX_QUOTED)}…` : value;
    return JSON.stringify(clipped);
  }
}
