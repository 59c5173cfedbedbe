import { diag, DiagLogLevel, type DiagLogger } from '@opentelemetry/api';
import { MeterProvider } from '@opentelemetry/sdk-metrics';
import { afterEach, describe, expect, it } from 'vitest';
import { promtoolCheckMetrics } from '../../../test-utils/prometheus-promtool.js';
import { PrometheusReader } from '../src/index.js';

function captureDiag(): string[] {
  const lines: string[] = [];
  const push = (m: string) => lines.push(m);
  const logger: DiagLogger = { error: push, warn: push, info: push, debug: push, verbose: push };
  diag.setLogger(logger, { logLevel: DiagLogLevel.WARN, suppressOverrideMessage: true });
  return lines;
}
afterEach(() => diag.disable());

function isWellFormedUtf8(s: string): boolean {
  return new TextDecoder('utf-8', { fatal: true }).decode(Buffer.from(s, 'utf8')).length >= 0;
}

describe('hostile input', () => {
  it('100 KB label values, lone surrogates, illegal names: valid output, promtool clean', async () => {
    const lines = captureDiag();
    const reader = new PrometheusReader();
    const provider = new MeterProvider({ readers: [reader] });
    const meter = provider.getMeter('hostile');
    const big = 'x"\\\n'.repeat(25_600); // 100 KB with every escapable character
    meter.createCounter('big.values').add(1, { big });
    meter.createCounter('surrogates').add(1, { lone: 'a\ud800b\udfffc', key_ok: '🚀' });
    meter
      .createGauge('bad name with spaces & ümlauts!')
      .record(1, { 'la bel/ü': 'v', '0digit': 'x', __x: 'y' });
    meter.createGauge('💥').record(1);
    meter
      .createGauge('exposition.collision')
      .record(1, { le: 'user le', 'otel.scope.name': 'spoof', 'a.b': '1', a_b: '2' });
    meter.createHistogram('collides', { unit: 's' }).record(1);
    meter.createGauge('collides_seconds').record(1); // same Prometheus name, different type

    for (const format of ['text', 'openmetrics'] as const) {
      const body = (await reader.scrape(format)).text();
      expect(isWellFormedUtf8(body)).toBe(true);
      // boolean checks: a failing toContain would print a 100 KB body
      const has = (s: string) => body.includes(s);
      expect(has(`big="${'x\\"\\\\\\n'.repeat(25_600)}"`)).toBe(true);
      expect(has('\nbad_name_with_spaces_mlauts_{key_0digit="x",key__x="y",la_bel_="v",')).toBe(
        true,
      );
      expect(has('key_0digit="x"')).toBe(true);
      expect(has('key__x="y"')).toBe(true);
      expect(has('a_b="1;2"')).toBe(true);
      expect(has('spoof')).toBe(false);
      expect(has('user le')).toBe(false);
      if (format === 'text') {
        const check = await promtoolCheckMetrics(body);
        expect(check.output).toBe('');
        expect(check.code).toBe(0);
      }
    }
    expect(lines.some((l) => l.includes('"💥"') && l.includes('Rename the instrument'))).toBe(true);
    expect(
      lines.some((l) => l.includes('"collides_seconds"') && l.includes('different types')),
    ).toBe(true);
    expect(lines.some((l) => l.includes('"le"') && l.includes('Rename the attribute'))).toBe(true);
    await provider.shutdown();
  });

  it('100k series: complete output in both formats, promtool clean', async () => {
    const reader = new PrometheusReader();
    const provider = new MeterProvider({
      readers: [reader],
      views: [{ instrumentName: 'many', aggregationCardinalityLimit: 100_001 }],
    });
    const c = provider.getMeter('hostile').createCounter('many');
    for (let i = 0; i < 100_000; i++) c.add(1, { id: String(i) });
    const text = (await reader.scrape('text')).text();
    expect(text.match(/^many_total\{/gm)).toHaveLength(100_000);
    const check = await promtoolCheckMetrics(text);
    expect(check.code).toBe(0);
    const om = (await reader.scrape('openmetrics')).text();
    expect(om.match(/^many_total\{/gm)).toHaveLength(100_000);
    expect(om.endsWith('# EOF\n')).toBe(true);
    await provider.shutdown();
  });
});
