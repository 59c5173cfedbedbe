import { DiagLogLevel } from '@opentelemetry/api';
import { describe, expect, it } from 'vitest';
import { parseHeaders, resolveConfig } from '../src/config.js';

describe('resolveConfig', () => {
  it('uses the documented defaults', () => {
    const { config, errors } = resolveConfig({}, {});
    expect(errors).toEqual([]);
    expect(config).toMatchObject({
      metricsExporter: 'prometheus',
      tracesExporter: 'otlp',
      otlpTracesEndpoint: 'http://localhost:4318/v1/traces',
      otlpMetricsEndpoint: 'http://localhost:4318/v1/metrics',
      otlpProtocol: 'http/protobuf',
      cardinalityLimit: 2000,
      prometheus: { mode: 'server', host: 'localhost', port: 9464, path: '/metrics' },
      logLevel: DiagLogLevel.INFO,
      runtimeMetrics: true,
      disabled: false,
    });
  });

  it('reads the OTel environment variables', () => {
    const { config, errors } = resolveConfig(
      {},
      {
        OTEL_EXPORTER_PROMETHEUS_HOST: '0.0.0.0',
        OTEL_EXPORTER_PROMETHEUS_PORT: '9999',
        OTEL_METRICS_EXPORTER: 'otlp',
        OTEL_TRACES_EXPORTER: 'console',
        OTEL_EXPORTER_OTLP_ENDPOINT: 'http://jaeger:4318/',
        OTEL_EXPORTER_OTLP_PROTOCOL: 'http/json',
        OTEL_EXPORTER_OTLP_HEADERS: 'authorization=Bearer%20x,tenant=a',
        OTEL_LOG_LEVEL: 'debug',
        MCPMETER_CARDINALITY_LIMIT: '50',
        MCPMETER_RUNTIME_METRICS: 'false',
        OTEL_SDK_DISABLED: 'true',
      },
    );
    expect(errors).toEqual([]);
    expect(config).toMatchObject({
      prometheus: { host: '0.0.0.0', port: 9999 },
      metricsExporter: 'otlp',
      tracesExporter: 'console',
      otlpTracesEndpoint: 'http://jaeger:4318/v1/traces',
      otlpMetricsEndpoint: 'http://jaeger:4318/v1/metrics',
      otlpProtocol: 'http/json',
      otlpHeaders: { authorization: 'Bearer x', tenant: 'a' },
      logLevel: DiagLogLevel.DEBUG,
      cardinalityLimit: 50,
      runtimeMetrics: false,
      disabled: true,
    });
  });

  it('lets options win over the environment', () => {
    const { config } = resolveConfig(
      {
        prometheus: { port: 1234 },
        traces: { exporter: 'none', endpoint: 'http://x:1/v1/traces' },
        metrics: { exporter: 'none' },
      },
      {
        OTEL_EXPORTER_PROMETHEUS_PORT: '9999',
        OTEL_TRACES_EXPORTER: 'otlp',
        OTEL_EXPORTER_OTLP_TRACES_ENDPOINT: 'http://y:2/v1/traces',
        OTEL_METRICS_EXPORTER: 'prometheus',
      },
    );
    expect(config.prometheus.port).toBe(1234);
    expect(config.tracesExporter).toBe('none');
    expect(config.metricsExporter).toBe('none');
    expect(config.otlpTracesEndpoint).toBe('http://x:1/v1/traces');
  });

  it('takes the first entry of a comma-separated exporter list', () => {
    expect(resolveConfig({}, { OTEL_TRACES_EXPORTER: 'otlp,console' }).config.tracesExporter).toBe(
      'otlp',
    );
  });

  it.each([
    [
      'OTEL_EXPORTER_PROMETHEUS_PORT',
      'abc',
      /OTEL_EXPORTER_PROMETHEUS_PORT="abc" is not a port number; set it to an integer from 0 to 65535/,
    ],
    ['OTEL_EXPORTER_PROMETHEUS_PORT', '70000', /is not a port number/],
    [
      'OTEL_METRICS_EXPORTER',
      'statsd',
      /OTEL_METRICS_EXPORTER="statsd" is not valid; use one of prometheus, otlp, none/,
    ],
    [
      'OTEL_TRACES_EXPORTER',
      'zipkin',
      /OTEL_TRACES_EXPORTER="zipkin" is not valid; use one of otlp, console, none/,
    ],
    [
      'OTEL_EXPORTER_OTLP_PROTOCOL',
      'grpc',
      /OTEL_EXPORTER_OTLP_PROTOCOL="grpc" is not valid; use one of http\/protobuf, http\/json/,
    ],
    [
      'OTEL_EXPORTER_OTLP_ENDPOINT',
      'not a url',
      /OTEL_EXPORTER_OTLP_ENDPOINT="not a url" is not an http\(s\) URL/,
    ],
    ['OTEL_TRACES_SAMPLER', 'sometimes', /OTEL_TRACES_SAMPLER="sometimes" is not supported/],
    ['OTEL_LOG_LEVEL', 'loud', /OTEL_LOG_LEVEL="loud" is not a level/],
    [
      'MCPMETER_CARDINALITY_LIMIT',
      '-5',
      /MCPMETER_CARDINALITY_LIMIT="-5" must be a positive integer/,
    ],
  ])('reports %s=%s once, names the fix and falls back', (name, value, message) => {
    const { config, errors } = resolveConfig({}, { [name]: value });
    const mine = errors.filter((e) => e.setting === name);
    expect(mine).toHaveLength(1);
    expect(mine[0]!.message).toMatch(message);
    expect(mine[0]!.message.split('\n')).toHaveLength(1);
    // defaults stay usable
    expect(config.prometheus.port).toBe(9464);
  });

  it('checks option values too', () => {
    const { errors } = resolveConfig(
      { prometheus: { port: -1, path: 'metrics' }, metrics: { cardinalityLimit: 0 } },
      {},
    );
    expect(errors.map((e) => e.setting).sort()).toEqual([
      'metrics.cardinalityLimit',
      'prometheus.path',
      'prometheus.port',
    ]);
  });

  it('parses OTLP header lists and skips malformed pairs', () => {
    expect(parseHeaders('a=1, b = two%20words ,bad,c=%E0%A4%A')).toEqual({
      a: '1',
      b: 'two words',
    });
  });
});
