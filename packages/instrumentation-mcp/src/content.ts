import { callHook, safeExecute } from '@mcpmeter/core';
import type { ContentKind, McpServerTelemetryOptions } from './types.js';

/** Content capture settings after options and environment are combined. */
export interface ContentCapture {
  readonly enabled: boolean;
  readonly maxLength: number;
  readonly redact: McpServerTelemetryOptions['redactContent'];
}

export const ENV_CAPTURE_CONTENT = 'MCPMETER_CAPTURE_CONTENT';
const DEFAULT_MAX_LENGTH = 8192;
const TRUNCATED = '…[truncated]';

/** Options win over `MCPMETER_CAPTURE_CONTENT`; anything but true/1/yes/on leaves capture off. */
export function resolveContentCapture(options: McpServerTelemetryOptions): ContentCapture {
  let enabled = options.captureContent;
  if (enabled === undefined) {
    const raw = typeof process !== 'undefined' ? process.env[ENV_CAPTURE_CONTENT] : undefined;
    enabled = raw !== undefined && /^(true|1|yes|on)$/i.test(raw.trim());
  }
  const max = options.maxContentLength;
  const maxLength =
    typeof max === 'number' && Number.isFinite(max) && max > 0
      ? Math.floor(max)
      : DEFAULT_MAX_LENGTH;
  return Object.freeze({ enabled: enabled === true, maxLength, redact: options.redactContent });
}

/** The JSON text to record for `value` (redacted, capped), or undefined to record nothing. */
export function captureValue(
  capture: ContentCapture,
  kind: ContentKind,
  value: unknown,
  toolName: string,
): string | undefined {
  let v = value;
  if (capture.redact !== undefined) {
    v = callHook(capture.redact, 'redactContent', kind, value, toolName);
    if (v === undefined) return undefined;
  }
  const text = safeExecute(
    () => (typeof v === 'string' ? v : JSON.stringify(v)),
    'content capture',
  );
  if (typeof text !== 'string') return undefined;
  return text.length > capture.maxLength ? text.slice(0, capture.maxLength) + TRUNCATED : text;
}
