import type { WireTelemetry } from '../telemetry/wire-telemetry.js';

/** Telemetry runs inside a guard: whatever it throws is said once, and the bytes keep flowing. */
export function guard<T>(telemetry: WireTelemetry, fn: () => T): T | undefined {
  try {
    return fn();
  } catch (err) {
    telemetry.diagnostics.once(
      'telemetry-failed',
      `proxy: telemetry failed: ${err instanceof Error ? err.name : 'error'}`,
    );
    return undefined;
  }
}
