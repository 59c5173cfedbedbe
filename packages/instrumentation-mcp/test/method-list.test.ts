/*
 * The method allow-list (`mcp.method.name` label values) against the schemas of
 * `@modelcontextprotocol/core` 2.4, which ship protocol 2026-07-28: every
 * request and notification method it defines is a label value of its own, not
 * `_OTHER`.
 */
import { describe, expect, it } from 'vitest';
import * as core from '@modelcontextprotocol/core';
import { semconv } from '@mcpmeter/core';

function methodsOfCore(): string[] {
  const methods = new Set<string>();
  for (const [name, schema] of Object.entries(core as Record<string, unknown>)) {
    if (!/(Request|Notification)Schema$/.test(name)) continue;
    const method = (schema as { shape?: { method?: { value?: unknown } } } | null)?.shape?.method;
    if (typeof method?.value === 'string') methods.add(method.value);
  }
  return [...methods].sort();
}

describe('MCP method allow-list', () => {
  it('holds every method of @modelcontextprotocol/core 2.4 (2025-11-25 and 2026-07-28)', () => {
    const fromCore = methodsOfCore();
    expect(fromCore).toContain('server/discover');
    expect(fromCore.filter((m) => !semconv.MCP_METHOD_NAMES.includes(m))).toEqual([]);
  });
});
