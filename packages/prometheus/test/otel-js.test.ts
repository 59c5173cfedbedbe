import { PrometheusSerializer } from '@opentelemetry/exporter-prometheus';
import { describe, expect, it } from 'vitest';
import { PrometheusReader, serializeOtelJs } from '../src/index.js';
import { fixture, goldenData } from './fixtures.js';

/*
 * `naming: 'otel-js'` must equal @opentelemetry/exporter-prometheus's own
 * serializer byte for byte on the same collected data, for every option.
 */
describe("naming: 'otel-js'", () => {
  const cases: [
    string,
    ConstructorParameters<typeof PrometheusSerializer>,
    Parameters<typeof serializeOtelJs>[1],
  ][] = [
    ['defaults', [], {}],
    ['prefix + timestamps', ['myapp', true], { prefix: 'myapp', appendTimestamp: true }],
    ['resource labels', [undefined, false, /^service\./], { resourceConstantLabels: /^service\./ }],
    [
      'resource pattern matching nothing',
      [undefined, false, /^nope/],
      { resourceConstantLabels: /^nope/ },
    ],
    [
      'no target_info, no scope info',
      [undefined, false, undefined, true, true],
      { withoutTargetInfo: true, withoutScopeInfo: true },
    ],
    [
      'no scope info + resource labels',
      [undefined, false, /name/, false, true],
      { withoutScopeInfo: true, resourceConstantLabels: /name/ },
    ],
  ];

  for (const [name, official, ours] of cases) {
    it(`equals the official serializer: ${name}`, async () => {
      const { rm } = await goldenData();
      const expected = new PrometheusSerializer(...official).serialize(rm);
      expect(serializeOtelJs(rm, ours)).toBe(expected);
    });
  }

  it('equals the official serializer on hostile names and values', async () => {
    const f = fixture();
    const meter = f.provider.getMeter('hostile scope', '');
    meter
      .createCounter('9starts.with-digit/and:colon', {
        unit: 'ms',
        description: 'back\\slash\nnewline',
      })
      .add(1, {
        'weird key!': 'v"\\\n',
        ünïcödé: '\ud800 lone surrogate',
      });
    meter.createGauge('already_total').record(-0);
    meter.createCounter('ends_total').add(5);
    meter.createHistogram('h', { advice: { explicitBucketBoundaries: [] } }).record(1);
    const rm = await f.collect();
    expect(serializeOtelJs(rm)).toBe(new PrometheusSerializer().serialize(rm));
  });

  it('equals the official serializer with no metrics at all', async () => {
    const f = fixture();
    const rm = await f.collect();
    expect(serializeOtelJs(rm)).toBe(new PrometheusSerializer().serialize(rm));
    expect(serializeOtelJs(rm)).toContain('# no registered metrics');
  });

  it('the reader serves text/plain with the official names even to an OpenMetrics scraper', async () => {
    const reader = new PrometheusReader({ naming: 'otel-js' });
    const f = fixture();
    const { MeterProvider } = await import('@opentelemetry/sdk-metrics');
    const provider = new MeterProvider({ readers: [reader] });
    provider
      .getMeter('m')
      .createHistogram('mcp.server.operation.duration', { unit: 's' })
      .record(0.1);
    const r = await reader.scrape('application/openmetrics-text;version=1.0.0');
    expect(r.contentType).toBe('text/plain; version=0.0.4; charset=utf-8');
    expect(r.text()).toContain('mcp_server_operation_duration_bucket{');
    expect(r.text()).not.toContain('_seconds');
    await provider.shutdown();
    await f.provider.shutdown();
  });
});
