import { diag, DiagLogLevel, type DiagLogger } from '@opentelemetry/api';
import { MeterProvider } from '@opentelemetry/sdk-metrics';
import { afterEach, describe, expect, it, vi } from 'vitest';
import {
  ExemplarStore,
  PrometheusReader,
  serializeOpenMetrics,
  serializeText,
  withExemplars,
} from '../src/index.js';
import { sampledContext } from './fixtures.js';

function captureDiag(): string[] {
  const lines: string[] = [];
  const push = (m: string) => lines.push(m);
  const logger: DiagLogger = { error: push, warn: push, info: push, debug: push, verbose: push };
  diag.setLogger(logger, { logLevel: DiagLogLevel.WARN, suppressOverrideMessage: true });
  return lines;
}

afterEach(() => {
  diag.disable();
  vi.restoreAllMocks();
});

function populated(
  series: number,
  readerOptions: ConstructorParameters<typeof PrometheusReader>[0] = {},
) {
  const store = new ExemplarStore();
  const reader = new PrometheusReader({ exemplars: store, ...readerOptions });
  const provider = new MeterProvider({
    readers: [reader],
    views: [{ instrumentName: '*', aggregationCardinalityLimit: series + 10 }],
  });
  const meter = withExemplars(provider, store).getMeter('reader-test', '1.0.0');
  const h = meter.createHistogram('op.duration', {
    unit: 's',
    advice: { explicitBucketBoundaries: [0.01, 0.1, 1, 10] },
  });
  const ctx = sampledContext();
  for (let i = 0; i < series; i++)
    h.record((i % 50) / 10, { 'mcp.method.name': `m${i}` }, i % 7 === 0 ? ctx : undefined);
  return { reader, provider, store };
}

describe('PrometheusReader', () => {
  it('concurrent scrapes share one collection', async () => {
    const { reader, provider } = populated(100);
    const collect = vi.spyOn(reader, 'collect');
    const results = await Promise.all([
      reader.scrape('text'),
      reader.scrape('text'),
      reader.scrape('openmetrics'),
      reader.scrape('application/openmetrics-text'),
    ]);
    expect(collect).toHaveBeenCalledTimes(1);
    expect(results[0].text()).toBe(results[1].text());
    expect(results[2].text()).toBe(results[3].text());
    await reader.scrape('text');
    expect(collect).toHaveBeenCalledTimes(2);
    await provider.shutdown();
  });

  it('yields to the event loop while serializing and produces the same bytes as one pass', async () => {
    const { reader, provider, store } = populated(3000, { sliceMs: 1 });
    let ticks = 0;
    const timer = setInterval(() => ticks++, 0);
    const sliced = await reader.scrape('openmetrics');
    clearInterval(timer);
    expect(ticks).toBeGreaterThan(0);
    const { resourceMetrics } = await reader.collect();
    expect(sliced.text()).toBe(serializeOpenMetrics(resourceMetrics, { exemplars: store }));
    expect(sliced.text()).toContain('# {trace_id="4bf92f3577b34da6a3ce929d0e0e4736"');
    const text = await reader.scrape('text');
    expect(text.text()).toBe(serializeText(resourceMetrics));
    await provider.shutdown();
  });

  it('a failed collection answers with a diagnostic, not a crash', async () => {
    const lines = captureDiag();
    const reader = new PrometheusReader();
    await expect(reader.scrape('text')).rejects.toThrow();
    const { startMetricsServer } = await import('../src/index.js');
    const s = await startMetricsServer(reader, { host: '127.0.0.1', port: 0 });
    expect((await fetch(s.url)).status).toBe(500);
    await s.close();
    expect(lines.some((l) => l.includes('PrometheusReader was passed to the MeterProvider'))).toBe(
      true,
    );
  });
});
