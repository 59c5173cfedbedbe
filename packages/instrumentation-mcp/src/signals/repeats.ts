import { canonicalArguments } from '@mcpmeter/core';

/** Distinct (tool, arguments) pairs remembered per session; older ones are forgotten first. */
const MAX_REMEMBERED = 256;

/**
 * Loop detection (issue 21): a tool call identical to an earlier one of the same
 * session (same tool, same arguments) is a repeat. Memory is bounded: a session
 * remembers its last 256 distinct calls as 32-bit hashes.
 */
export class RepeatDetector {
  private readonly seen = new Set<number>();

  /** True when `tool` with `args` was called before in this session. */
  isRepeat(tool: string, args: unknown): boolean {
    const key = fnv1a(`${tool}\u0000${canonicalArguments(args)}`);
    if (this.seen.has(key)) return true;
    if (this.seen.size >= MAX_REMEMBERED) {
      const oldest = this.seen.values().next().value;
      if (oldest !== undefined) this.seen.delete(oldest);
    }
    this.seen.add(key);
    return false;
  }

  clear(): void {
    this.seen.clear();
  }
}

function fnv1a(text: string): number {
  let h = 0x811c9dc5;
  for (let i = 0; i < text.length; i++) {
    h ^= text.charCodeAt(i);
    h = Math.imul(h, 0x01000193);
  }
  return h >>> 0;
}
