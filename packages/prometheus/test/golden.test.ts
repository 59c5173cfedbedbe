import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { promtoolCheckMetrics } from '../../../test-utils/prometheus-promtool.js';
import { serializeOpenMetrics, serializeText } from '../src/index.js';
import { goldenData } from './fixtures.js';

const GOLDEN = join(import.meta.dirname, 'golden');
const EXEMPLAR_TIME_MS = 1_700_000_000_123;

function golden(file: string, actual: string): void {
  const path = join(GOLDEN, file);
  if (process.env.UPDATE_GOLDEN === '1') writeFileSync(path, actual);
  expect(actual).toBe(readFileSync(path, 'utf8'));
}

async function data() {
  vi.spyOn(Date, 'now').mockReturnValue(EXEMPLAR_TIME_MS);
  return goldenData();
}

describe('golden expositions', () => {
  afterEach(() => vi.restoreAllMocks());

  it('text 0.0.4 matches the golden file and promtool finds no problem', async () => {
    const { rm, store } = await data();
    const text = serializeText(rm, { exemplars: store });
    golden('all.prom', text);
    expect(text).not.toContain('trace_id'); // exemplars are OpenMetrics only
    const check = await promtoolCheckMetrics(text);
    expect(check.output).toBe('');
    expect(check.code).toBe(0);
  });

  it('OpenMetrics 1.0 matches the golden file, with exemplars and # EOF', async () => {
    const { rm, store } = await data();
    const om = serializeOpenMetrics(rm, { exemplars: store });
    golden('all.om.txt', om);
    expect(om.endsWith('# EOF\n')).toBe(true);
    expect(om).toContain(
      'mcp_server_operation_duration_seconds_bucket{gen_ai_tool_name="get_weather",mcp_method_name="tools/call",otel_scope_name="mcpmeter-golden",otel_scope_version="0.1.0",le="0.1"} 1 # {trace_id="4bf92f3577b34da6a3ce929d0e0e4736",span_id="00f067aa0ba902b7"} 0.05 1700000000.123',
    );
    expect(om).toMatch(
      /^gen_ai_client_cost_usd_total\{.*\} 0\.25 # \{trace_id="4bf92f3577b34da6a3ce929d0e0e4736",span_id="00f067aa0ba902b7"\} 0\.25 1700000000\.123$/m,
    );
  });

  it('options: no scope labels, no target_info, promoted resource attributes, prefix, timestamps', async () => {
    const { rm } = await data();
    const text = serializeText(rm, {
      withoutScopeInfo: true,
      withoutTargetInfo: true,
      resourceConstantLabels: ['service.name'],
      prefix: 'app',
      appendTimestamp: true,
    });
    expect(text).not.toContain('otel_scope_name');
    expect(text).not.toContain('target_info');
    expect(text).toMatch(
      /^app_mcp_server_active_requests\{mcp_method_name="tools\/call",service_name="golden"\} 1 \d{13}$/m,
    );
    const re = serializeText(rm, { resourceConstantLabels: /^service\./ });
    expect(re).toContain(
      'otel_scope_version="0.1.0",service_name="golden",service_version="1.2.3"}',
    );
    expect((await promtoolCheckMetrics(text)).code).toBe(0);
  });
});
