import { diag } from '@opentelemetry/api';

const SIGNALS = ['SIGTERM', 'SIGINT'] as const;

/**
 * Flushes once on SIGTERM/SIGINT without changing what the process does.
 *
 * A signal listener disables Node's default "exit on signal". So when the app has
 * no listener of its own, we flush and then re-raise the signal with ours removed,
 * and the process ends with the usual status (128 + signal number). When the app
 * has its own listener, it decides; we only flush.
 */
export function installSignalHandlers(flush: () => Promise<void>, timeoutMs = 5000): () => void {
  let flushing: Promise<void> | undefined;
  const handlers = new Map<string, () => void>();
  for (const signal of SIGNALS) {
    const handler = () => {
      const appHasOwn = process.listenerCount(signal) > 1;
      flushing ??= Promise.race([
        flush().catch((err: unknown) =>
          diag.error(`mcpmeter: flush on ${signal} failed: ${(err as Error)?.message}`),
        ),
        new Promise<void>((r) => setTimeout(r, timeoutMs).unref()),
      ]);
      if (appHasOwn) return;
      void flushing.then(() => {
        uninstall();
        process.kill(process.pid, signal);
      });
    };
    handlers.set(signal, handler);
    process.on(signal, handler);
  }
  const uninstall = () => {
    for (const [signal, handler] of handlers) process.removeListener(signal, handler);
    handlers.clear();
  };
  return uninstall;
}
