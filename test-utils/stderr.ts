/**
 * Captures what this process writes to stderr, one entry per non-empty line, until
 * `restore()`: for tests that check the one `mcpmeter:` line a problem earns.
 */
export function captureStderr(): string[] & { restore(): void } {
  const lines = [] as unknown as string[] & { restore(): void };
  const write = process.stderr.write.bind(process.stderr);
  process.stderr.write = (chunk: string | Uint8Array) => {
    lines.push(...String(chunk).split('\n').filter(Boolean));
    return true;
  };
  lines.restore = () => {
    process.stderr.write = write;
  };
  return lines;
}
