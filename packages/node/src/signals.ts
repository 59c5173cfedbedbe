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

/**
 * A short-lived program (an agent run, a CLI) ends when its event loop empties,
 * before the batch span processor's timer fires: flush once at `beforeExit` so its
 * spans are not lost. Flushing schedules work, which fires `beforeExit` again; that
 * second one is skipped so the process still exits.
 */
export function installExitFlush(flush: () => Promise<unknown>): () => void {
  let skipNext = false;
  const onBeforeExit = () => {
    if (skipNext) {
      skipNext = false;
      return;
    }
    skipNext = true;
    flush().catch((err: unknown) =>
      diag.error(`mcpmeter: flush at exit failed: ${(err as Error)?.message}`),
    );
  };
  process.on('beforeExit', onBeforeExit);
  return () => process.removeListener('beforeExit', onBeforeExit);
}
