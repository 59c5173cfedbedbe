import { describe, expect, it } from 'vitest';
import {
  attributeValueText,
  escapeHelp,
  escapeLabelValue,
  formatValue,
  negotiateFormat,
  sanitizeLabelName,
  sanitizeMetricName,
  specNames,
  unitSuffix,
} from '../src/index.js';

describe('names per the compatibility spec', () => {
  it('maps every instrument of the naming contract', () => {
    const contract: [string, string, 'counter' | 'gauge' | 'histogram', string][] = [
      ['mcp.server.operation.duration', 's', 'histogram', 'mcp_server_operation_duration_seconds'],
      ['mcp.server.session.duration', 's', 'histogram', 'mcp_server_session_duration_seconds'],
      ['mcp.client.operation.duration', 's', 'histogram', 'mcp_client_operation_duration_seconds'],
      ['mcp.client.session.duration', 's', 'histogram', 'mcp_client_session_duration_seconds'],
      ['mcp.server.active_requests', '{request}', 'gauge', 'mcp_server_active_requests'],
      ['mcp.server.active_sessions', '{session}', 'gauge', 'mcp_server_active_sessions'],
      ['mcp.client.active_requests', '{request}', 'gauge', 'mcp_client_active_requests'],
      [
        'gen_ai.client.operation.duration',
        's',
        'histogram',
        'gen_ai_client_operation_duration_seconds',
      ],
      ['gen_ai.client.token.usage', '{token}', 'histogram', 'gen_ai_client_token_usage'],
      [
        'gen_ai.client.operation.time_to_first_chunk',
        's',
        'histogram',
        'gen_ai_client_operation_time_to_first_chunk_seconds',
      ],
      [
        'gen_ai.client.operation.time_per_output_chunk',
        's',
        'histogram',
        'gen_ai_client_operation_time_per_output_chunk_seconds',
      ],
      ['gen_ai.client.active_requests', '{request}', 'gauge', 'gen_ai_client_active_requests'],
      ['gen_ai.client.cost.usd', '{USD}', 'counter', 'gen_ai_client_cost_usd_total'],
      ['gen_ai.client.cost.unpriced', '{request}', 'counter', 'gen_ai_client_cost_unpriced_total'],
      ['v8js.memory.heap.used', 'By', 'gauge', 'v8js_memory_heap_used_bytes'],
      ['nodejs.eventloop.delay.p99', 's', 'gauge', 'nodejs_eventloop_delay_p99_seconds'],
    ];
    for (const [otel, unit, type, prom] of contract)
      expect(specNames(otel, unit, type)?.sample).toBe(prom);
  });

  it('adds no double suffix and keeps _total last', () => {
    expect(specNames('http.duration_seconds', 's', 'histogram')?.sample).toBe(
      'http_duration_seconds',
    );
    expect(specNames('requests_total', '{request}', 'counter')?.sample).toBe('requests_total');
    expect(specNames('io_total', 'By', 'counter')).toEqual({
      family: 'io_bytes_total',
      sample: 'io_bytes_total',
      unit: 'bytes',
    });
    expect(specNames('io', 'By', 'counter', '', true)).toEqual({
      family: 'io_bytes',
      sample: 'io_bytes_total',
      unit: 'bytes',
    });
    expect(specNames('cpu.utilization', '1', 'gauge')?.sample).toBe('cpu_utilization_ratio');
    expect(specNames('hits', '1', 'counter')?.sample).toBe('hits_total');
    expect(specNames('!!!', 's', 'gauge')).toBeUndefined();
  });

  it('converts UCUM units', () => {
    expect(unitSuffix('ms', 'histogram')).toBe('milliseconds');
    expect(unitSuffix('By/s', 'gauge')).toBe('bytes_per_second');
    expect(unitSuffix('{packet}/s', 'gauge')).toBe('per_second');
    expect(unitSuffix('{token}', 'histogram')).toBe('');
    expect(unitSuffix('Cel', 'gauge')).toBe('celsius');
    expect(unitSuffix('%', 'gauge')).toBe('percent');
    expect(unitSuffix('requests/min', 'gauge')).toBe('requests_per_minute');
  });

  it('sanitizes metric and label names', () => {
    expect(sanitizeMetricName('a.b-c/d:e')).toBe('a_b_c_d_e');
    expect(sanitizeMetricName('9lives')).toBe('_9lives');
    expect(sanitizeMetricName('a__b')).toBe('a_b');
    expect(sanitizeMetricName('東京')).toBe('');
    expect(sanitizeLabelName('http.request.method')).toBe('http_request_method');
    expect(sanitizeLabelName('1st')).toBe('key_1st');
    expect(sanitizeLabelName('__reserved')).toBe('key__reserved');
    expect(sanitizeLabelName('')).toBe('key_');
  });
});

describe('formatting', () => {
  it('escapes label values and help text per format', () => {
    expect(escapeLabelValue('a"b\\c\nd')).toBe('a\\"b\\\\c\\nd');
    expect(escapeLabelValue('plain')).toBe('plain');
    expect(escapeHelp('x "q" \\ \n', false)).toBe('x "q" \\\\ \\n');
    expect(escapeHelp('x "q"', true)).toBe('x \\"q\\"');
  });

  it('formats special values', () => {
    expect(formatValue(NaN)).toBe('NaN');
    expect(formatValue(Infinity)).toBe('+Inf');
    expect(formatValue(-Infinity)).toBe('-Inf');
    expect(formatValue(1e21)).toBe('1e+21');
    expect(formatValue(0.1)).toBe('0.1');
  });

  it('turns attribute values into label text', () => {
    expect(attributeValueText(true)).toBe('true');
    expect(attributeValueText(3)).toBe('3');
    expect(attributeValueText(['a', 1])).toBe('["a",1]');
    expect(attributeValueText(undefined)).toBe('');
  });
});

describe('content negotiation', () => {
  it('serves OpenMetrics to Prometheus and text otherwise', () => {
    const prometheus =
      'application/openmetrics-text;version=1.0.0,application/openmetrics-text;version=0.0.1;q=0.75,text/plain;version=0.0.4;q=0.5,*/*;q=0.1';
    expect(negotiateFormat(prometheus)).toBe('openmetrics');
    expect(negotiateFormat('application/openmetrics-text')).toBe('openmetrics');
    expect(
      negotiateFormat(
        'text/plain;version=0.0.4;q=1,application/openmetrics-text;version=1.0.0;q=0.5',
      ),
    ).toBe('text');
    expect(negotiateFormat('application/openmetrics-text;version=2.0.0')).toBe('text');
    expect(negotiateFormat('application/openmetrics-text;q=0')).toBe('text');
    expect(negotiateFormat('*/*')).toBe('text');
    expect(negotiateFormat(undefined)).toBe('text');
  });
});
