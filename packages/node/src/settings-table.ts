/*
 * Every setting of register(), as data (the checks and the docs tables that use it
 * are in settings.ts): the option path, its environment
 * variables, the shape a value must have, the default and one line of docs. The
 * table checks every option given in code (wrong type, null, unknown key) and
 * every environment variable (config.ts resolves the values), generates the
 * "Every setting" table of docs/configuration.md (a test keeps the two equal) and
 * drives the table-driven test of bad values.
 */

/** What a value must look like, for options in code and for environment variables. */
export interface Shape {
  /** Words for the message: "must be <expects>". */
  expects: string;
  /** An option value of the right shape. */
  option?: (v: unknown) => boolean;
  /** An environment value that is usable (after trim). */
  env?: (v: string) => boolean;
  /** A value of the wrong shape, for the table-driven test. */
  badOption?: unknown;
  badEnv?: string;
}

export const isObject = (v: unknown): v is Record<string, unknown> =>
  v !== null && typeof v === 'object' && !Array.isArray(v);

const bool: Shape = {
  expects: 'true or false',
  option: (v) => typeof v === 'boolean',
  env: (v) => /^(true|false)$/i.test(v),
  badOption: 'yes',
  badEnv: 'maybe',
};
const onOff: Shape = {
  ...bool,
  expects: 'on or off in the environment, true or false in code',
  env: (v) => /^(on|off|true|false)$/i.test(v),
};
const text: Shape = {
  expects: 'a non-empty string',
  option: (v) => typeof v === 'string' && v.trim() !== '',
  env: () => true,
  badOption: 42,
};
const positiveInt: Shape = {
  expects: 'a positive integer',
  option: (v) => Number.isInteger(v) && (v as number) > 0,
  env: (v) => /^\d+$/.test(v) && Number(v) > 0,
  badOption: -3,
  badEnv: 'lots',
};
const port: Shape = {
  expects: 'an integer from 0 to 65535',
  option: (v) => Number.isInteger(v) && (v as number) >= 0 && (v as number) <= 65535,
  env: (v) => /^\d+$/.test(v) && Number(v) <= 65535,
  badOption: 70000,
  badEnv: 'notaport',
};
const url: Shape = {
  expects: 'an http(s) URL such as http://localhost:4318',
  option: (v) => typeof v === 'string' && isHttpUrl(v),
  env: isHttpUrl,
  badOption: 'localhost:4318',
  badEnv: 'not a url',
};
/** The `OTEL_TRACES_SAMPLER` values register() understands. */
export const SAMPLERS: readonly string[] = [
  'always_on',
  'always_off',
  'traceidratio',
  'parentbased_always_on',
  'parentbased_always_off',
  'parentbased_traceidratio',
];

const oneOf = (...values: string[]): Shape => ({
  expects: `one of ${values.join(', ')}`,
  option: (v) => typeof v === 'string' && values.includes(v),
  // OTel list variables may hold several: mcpmeter uses the first.
  env: (v) => values.includes(v.toLowerCase().split(',')[0]?.trim() ?? ''),
  badOption: 'nope',
  badEnv: 'nope',
});
const fn: Shape = {
  expects: 'a function',
  option: (v) => typeof v === 'function',
  badOption: 5,
};
const stringArray: Shape = {
  expects: 'an array of strings',
  option: (v) => Array.isArray(v) && v.every((x) => typeof x === 'string'),
  badOption: 'get_weather',
};
const objectArray: Shape = {
  expects: 'an array of objects',
  option: (v) => Array.isArray(v) && v.every(isObject),
  badOption: 'x',
};
const record: Shape = {
  expects: 'an object',
  option: isObject,
  badOption: 'x',
};
const stringRecord: Shape = {
  expects: 'an object of string values',
  option: (v) => isObject(v) && Object.values(v).every((x) => typeof x === 'string'),
  badOption: { authorization: 5 },
};
const pairs: Shape = {
  expects: 'comma-separated key=value pairs (percent-encoded)',
  env: (v) => v === '' || v.split(',').every(isPair),
  badEnv: 'no-equals-sign,=x',
};
const withMethod = (method: string, what: string): Shape => ({
  expects: `${what} (an object with ${method}())`,
  option: (v) => isObject(v) && typeof v[method] === 'function',
  badOption: 'nope',
});
const logLevel: Shape = {
  expects: 'one of none, error, warn, info, debug, verbose, all',
  option: (v) =>
    (typeof v === 'string' &&
      ['none', 'error', 'warn', 'info', 'debug', 'verbose', 'all'].includes(v)) ||
    (Number.isInteger(v) && (v as number) >= 0 && (v as number) <= 9999),
  env: (v) =>
    ['none', 'error', 'warn', 'info', 'debug', 'verbose', 'all'].includes(v.toLowerCase()),
  badOption: 'loud',
  badEnv: 'loud',
};
const constantLabels: Shape = {
  expects: 'a RegExp or an array of attribute names',
  option: (v) => v instanceof RegExp || (Array.isArray(v) && v.every((x) => typeof x === 'string')),
  badOption: 'service.name',
};
const auth: Shape = {
  expects: '{ bearerToken } or { username, password } (strings)',
  option: (v) =>
    isObject(v) &&
    (typeof v.bearerToken === 'string' ||
      (typeof v.username === 'string' && typeof v.password === 'string')),
  badOption: { token: 'x' },
};
const orFalse = (shape: Shape): Shape => ({
  ...shape,
  expects: `${shape.expects}, or false`,
  option: (v) => v === false || (shape.option?.(v) ?? false),
});

function isHttpUrl(v: string): boolean {
  try {
    const u = new URL(v);
    return u.protocol === 'http:' || u.protocol === 'https:';
  } catch {
    return false;
  }
}

function isPair(part: string): boolean {
  const i = part.indexOf('=');
  if (i <= 0) return false;
  try {
    decodeURIComponent(part.slice(0, i));
    decodeURIComponent(part.slice(i + 1));
    return true;
  } catch {
    return false;
  }
}

export interface Setting {
  /** Path in register()'s options, e.g. `prometheus.port`. */
  option?: string;
  /** Environment variables, in order of precedence. */
  env?: string[];
  /** How the environment value is written, for the docs (`true`/`false`…). */
  envValues?: string;
  shape: Shape;
  default: string;
  doc: string;
  /**
   * Checked by config.ts while it resolves the value (so a message can say what
   * is used instead): the table only checks the option's type.
   */
  resolvedBy?: 'config' | 'llm';
}

/** Every setting of register(), in the order of docs/configuration.md. */
export const SETTINGS: readonly Setting[] = [
  {
    option: 'serviceName',
    env: ['OTEL_SERVICE_NAME'],
    shape: text,
    default: '`unknown_service:node`',
    doc: '`service.name` on every span and on `target_info`.',
  },
  {
    option: 'serviceVersion',
    shape: text,
    default: '`service.version` in `OTEL_RESOURCE_ATTRIBUTES`, else `npm_package_version`',
    doc: '`service.version`.',
  },
  {
    option: 'resourceAttributes',
    env: ['OTEL_RESOURCE_ATTRIBUTES'],
    envValues: '`k=v,k2=v2`, percent-encoded',
    shape: { ...record, env: pairs.env, badEnv: 'team' },
    default:
      'host name and arch, process pid, Node version, SDK info, a random `service.instance.id` per process',
    doc: 'Resource attributes; they become labels of `target_info`. The command line is never recorded (it often carries tokens). A `service.instance.id` given here wins over the random one.',
  },
  {
    option: 'metrics.exporter',
    env: ['OTEL_METRICS_EXPORTER'],
    envValues: '`prometheus`, `otlp`, `none`',
    shape: oneOf('prometheus', 'otlp', 'none'),
    default: '`prometheus`',
    doc: 'Pull (`/metrics`) or OTLP push (for fleets feeding a Collector or Mimir).',
    resolvedBy: 'config',
  },
  {
    option: 'prometheus.mode',
    shape: oneOf('server', 'mount'),
    default: '`server`',
    doc: '`server`: a standalone HTTP server. `mount`: no server; serve `handle.metricsHandler` from yours.',
    resolvedBy: 'config',
  },
  {
    option: 'prometheus.host',
    env: ['OTEL_EXPORTER_PROMETHEUS_HOST'],
    shape: { ...text, badEnv: 'no-such-host.invalid' },
    default: '`localhost`',
    doc: 'Listen address. Use `0.0.0.0` in a container scraped from outside. One that cannot be bound is said once and rejects `ready`.',
    resolvedBy: 'config',
  },
  {
    option: 'prometheus.port',
    env: ['OTEL_EXPORTER_PROMETHEUS_PORT'],
    shape: port,
    default: '`9464`',
    doc: 'Listen port; `0` picks a free one (`handle.metricsUrl` tells which).',
    resolvedBy: 'config',
  },
  {
    option: 'prometheus.path',
    shape: { ...text, badOption: 'metrics' },
    default: '`/metrics`',
    doc: 'Path of the exposition. Other paths answer 404.',
    resolvedBy: 'config',
  },
  {
    option: 'prometheus.engine',
    shape: oneOf('mcpmeter', 'otel'),
    default: '`mcpmeter`',
    doc: '`mcpmeter`: [`@mcpmeter/prometheus`](../packages/prometheus) (OpenMetrics 1.0 or text 0.0.4 by content negotiation, spec names such as `mcp_server_operation_duration_seconds`, exemplars). `otel`: the official `@opentelemetry/exporter-prometheus` (text only, no unit suffixes, no exemplars).',
    resolvedBy: 'config',
  },
  {
    option: 'prometheus.naming',
    env: ['MCPMETER_PROMETHEUS_NAMING'],
    envValues: '`prometheus`, `otel-js`',
    shape: oneOf('prometheus', 'otel-js'),
    default: '`prometheus`',
    doc: "`otel-js` keeps the mcpmeter engine but emits the official exporter's names (no unit suffixes), for dashboards written against it.",
    resolvedBy: 'config',
  },
  {
    option: 'prometheus.exemplars',
    env: ['MCPMETER_EXEMPLARS'],
    envValues: '`true`, `false`',
    shape: bool,
    default: 'on',
    doc: '`trace_id`/`span_id` exemplars on histogram buckets and counters recorded inside sampled spans (OpenMetrics only; Prometheus needs `--enable-feature=exemplar-storage`).',
  },
  {
    option: 'prometheus.withoutScopeInfo',
    shape: bool,
    default: '`false`',
    doc: 'Leave out the `otel_scope_name` / `otel_scope_version` labels.',
  },
  {
    option: 'prometheus.resourceConstantLabels',
    shape: constantLabels,
    default: '—',
    doc: "Resource attributes (names, or a RegExp) copied as labels onto every series, e.g. `['service.name']`.",
  },
  {
    option: 'prometheus.auth',
    shape: auth,
    default: 'open',
    doc: '`{ bearerToken }` or `{ username, password }`: 401 without them. A malformed value serves nothing (never openly) and rejects `ready`.',
    resolvedBy: 'config',
  },
  {
    option: 'metrics.cardinalityLimit',
    env: ['MCPMETER_CARDINALITY_LIMIT'],
    shape: positiveInt,
    default: '`2000`',
    doc: 'Most attribute sets per instrument; the rest go to the `otel_metric_overflow="true"` series.',
    resolvedBy: 'config',
  },
  {
    option: 'metrics.views',
    shape: objectArray,
    default: '—',
    doc: "Extra SDK views, after mcpmeter's bucket views.",
  },
  {
    option: 'metrics.fastHistograms',
    env: ['MCPMETER_FAST_HISTOGRAMS'],
    envValues: '`true`, `false`',
    shape: bool,
    default: 'on',
    doc: "mcpmeter aggregates the semconv MCP and GenAI histograms itself instead of the SDK: same buckets, cardinality limit, temporality and exemplars, without the SDK's per-record attribute hashing (several µs per request). A view of yours that could select one of them leaves that one to the SDK. See [Prometheus](prometheus.md#fast-histograms).",
  },
  {
    option: 'metrics.otlpEndpoint',
    env: ['OTEL_EXPORTER_OTLP_METRICS_ENDPOINT'],
    shape: url,
    default:
      '`OTEL_EXPORTER_OTLP_ENDPOINT` + `/v1/metrics`, else `http://localhost:4318/v1/metrics`',
    doc: 'OTLP/HTTP metrics endpoint, when `metrics.exporter` is `otlp`.',
    resolvedBy: 'config',
  },
  {
    option: 'metrics.exportIntervalMillis',
    env: ['OTEL_METRIC_EXPORT_INTERVAL'],
    shape: positiveInt,
    default: '`60000`',
    doc: 'OTLP push interval.',
    resolvedBy: 'config',
  },
  {
    env: ['OTEL_EXPORTER_OTLP_ENDPOINT'],
    shape: url,
    default: '`http://localhost:4318`',
    doc: 'Base URL of the OTLP/HTTP endpoints (`/v1/traces`, `/v1/metrics` are appended). Jaeger and the Collector listen on 4318.',
    resolvedBy: 'config',
  },
  {
    env: ['OTEL_EXPORTER_OTLP_PROTOCOL'],
    envValues: '`http/protobuf`, `http/json`',
    shape: oneOf('http/protobuf', 'http/json'),
    default: '`http/protobuf`',
    doc: 'OTLP encoding of both signals. (gRPC is not bundled.)',
    resolvedBy: 'config',
  },
  {
    env: ['OTEL_EXPORTER_OTLP_METRICS_PROTOCOL'],
    envValues: '`http/protobuf`, `http/json`',
    shape: oneOf('http/protobuf', 'http/json'),
    default: '`OTEL_EXPORTER_OTLP_PROTOCOL`',
    doc: 'OTLP encoding of metrics.',
    resolvedBy: 'config',
  },
  {
    option: 'hub',
    env: ['MCPMETER_HUB'],
    envValues: '`on`, `off`',
    shape: onOff,
    default: 'on',
    doc: 'Live view with `mcpmeter ui`: while metrics go to Prometheus (the default), look for a hub at the origin of the OTLP endpoint (`GET /mcpmeter/hub`, at start and every 5 s while none answers; every 60 s for a host other than this one) and, once one answers, push the metrics to the OTLP metrics endpoint as OTLP/HTTP JSON every 2 s and at exit. A Collector or Jaeger there answers 404 and nothing is sent. Silent: diagnostics at `debug` level only.',
  },
  {
    option: 'traces.exporter',
    env: ['OTEL_TRACES_EXPORTER'],
    envValues: '`otlp`, `console`, `none`',
    shape: oneOf('otlp', 'console', 'none'),
    default: '`otlp`',
    doc: "`console` prints spans as JSON lines on **stderr** (never stdout). `none` records no spans at all (the API's no-op tracer), while an incoming trace context still passes through to outgoing calls.",
    resolvedBy: 'config',
  },
  {
    option: 'traces.endpoint',
    env: ['OTEL_EXPORTER_OTLP_TRACES_ENDPOINT'],
    shape: url,
    default: '`OTEL_EXPORTER_OTLP_ENDPOINT` + `/v1/traces`, else `http://localhost:4318/v1/traces`',
    doc: 'OTLP/HTTP traces endpoint. Jaeger accepts OTLP/HTTP on port 4318.',
    resolvedBy: 'config',
  },
  {
    option: 'traces.protocol',
    env: ['OTEL_EXPORTER_OTLP_TRACES_PROTOCOL'],
    envValues: '`http/protobuf`, `http/json`',
    shape: oneOf('http/protobuf', 'http/json'),
    default: '`OTEL_EXPORTER_OTLP_PROTOCOL`, else `http/protobuf`',
    doc: 'OTLP encoding of traces.',
    resolvedBy: 'config',
  },
  {
    option: 'traces.headers',
    env: ['OTEL_EXPORTER_OTLP_HEADERS', 'OTEL_EXPORTER_OTLP_TRACES_HEADERS'],
    envValues: '`k=v,k2=v2`, percent-encoded',
    shape: { ...stringRecord, env: pairs.env, badEnv: pairs.badEnv },
    default: '—',
    doc: 'Extra headers, e.g. an auth token for a hosted collector.',
  },
  {
    option: 'traces.sampler',
    env: ['OTEL_TRACES_SAMPLER'],
    envValues:
      '`always_on`, `always_off`, `traceidratio`, `parentbased_always_on`, `parentbased_always_off`, `parentbased_traceidratio`',
    shape: {
      ...withMethod('shouldSample', 'a Sampler'),
      env: oneOf(...SAMPLERS).env,
      badEnv: 'sometimes',
    },
    default: '`parentbased_always_on`',
    doc: 'Sampling. A sampler that throws costs the span, never the metrics.',
    resolvedBy: 'config',
  },
  {
    env: ['OTEL_TRACES_SAMPLER_ARG'],
    shape: {
      expects: 'a number from 0 to 1',
      env: (v) => v !== '' && Number(v) >= 0 && Number(v) <= 1,
      badEnv: '2.5',
    },
    default: '`1`',
    doc: 'The ratio of the `traceidratio` samplers.',
    resolvedBy: 'config',
  },
  {
    option: 'traces.spanExporter',
    shape: withMethod('export', 'a SpanExporter'),
    default: '—',
    doc: 'Your own `SpanExporter`, replacing `traces.exporter`.',
  },
  {
    option: 'runtimeMetrics',
    env: ['MCPMETER_RUNTIME_METRICS'],
    envValues: '`true`, `false`',
    shape: bool,
    default: 'on',
    doc: 'Node event-loop delay and utilization, heap, GC (`nodejs_*`, `v8js_*`).',
  },
  {
    option: 'mcp',
    shape: orFalse(record),
    default: '`{}`',
    doc: 'Options for `McpInstrumentation` (when `@mcpmeter/instrumentation-mcp` is installed), also the defaults of explicit `instrumentMcpServer()` / `instrumentMcpClient()` calls (their own options win); `false` leaves it off. See below.',
  },
  {
    option: 'llm',
    shape: orFalse(record),
    default: '`{}`',
    doc: 'Options for `LlmInstrumentation` (when `@mcpmeter/instrumentation-llm` is installed); `false` leaves it off. See below.',
  },
  {
    option: 'instrumentations',
    shape: { ...objectArray, expects: 'an array of Instrumentation objects' },
    default: '—',
    doc: 'More OpenTelemetry instrumentations to enable with the same providers.',
  },
  {
    option: 'logLevel',
    env: ['OTEL_LOG_LEVEL'],
    envValues: '`none`, `error`, `warn`, `info`, `debug`, `verbose`, `all`',
    shape: logLevel,
    default: '`info`',
    doc: 'mcpmeter and SDK diagnostics, **always on stderr**, one line per problem.',
    resolvedBy: 'config',
  },
  {
    option: 'handleSignals',
    shape: bool,
    default: '`true`',
    doc: 'Flush once on SIGTERM/SIGINT. Your own handlers still run; without one, the process still ends by the signal.',
  },
  {
    env: ['OTEL_SDK_DISABLED'],
    envValues: '`true`, `false`',
    shape: bool,
    default: '`false`',
    doc: '`true` turns everything off: no server, no export, no patching.',
  },
  // The instrumentations' own options, checked here for their shape.
  {
    option: 'mcp.captureContent',
    env: ['MCPMETER_CAPTURE_CONTENT'],
    envValues: '`true`, `false`',
    shape: bool,
    default: '`false`',
    doc: 'Tool arguments and results on spans (`gen_ai.tool.call.arguments` / `.result`). Never on metrics.',
  },
  {
    option: 'mcp.maxContentLength',
    shape: positiveInt,
    default: '`8192`',
    doc: 'Cap on captured content (JSON text length).',
  },
  {
    option: 'mcp.redactContent',
    shape: fn,
    default: '—',
    doc: '`(kind, value, toolName) => value | undefined`, applied before anything is recorded. One that throws drops that value and is said once.',
  },
  {
    option: 'mcp.toolNames',
    env: ['MCPMETER_MCP_TOOLS'],
    envValues: '`a,b`',
    shape: stringArray,
    default: '`[]`',
    doc: 'Extra tool names allowed as label values (registered and listed tools are allowed automatically, shared by the instances of one server; anything else is `_OTHER`). The variable names them for zero-code servers built per request.',
  },
  {
    option: 'mcp.instrumentClients',
    shape: bool,
    default: '`true`',
    doc: 'Also instrument MCP `Client`s (CLIENT spans, `mcp.client.*` metrics, context in `params._meta`).',
  },
  {
    option: 'mcp.reuseExecuteToolSpan',
    shape: bool,
    default: '`true`',
    doc: "Add the MCP attributes to an agent framework's active `execute_tool` span instead of nesting a CLIENT span.",
  },
  {
    option: 'llm.models',
    shape: stringArray,
    default: '—',
    doc: 'Model label values allowed (others `_OTHER`).',
  },
  {
    option: 'llm.maxModels',
    shape: positiveInt,
    default: '`50`',
    doc: 'Cap on models learned at run time.',
  },
  {
    option: 'llm.prices',
    shape: objectArray,
    default: '`[]`',
    doc: "Price overrides (a relay's prices, an in-house model); they win over the catalog.",
  },
  {
    option: 'llm.pricesFile',
    env: ['MCPMETER_PRICES_FILE'],
    shape: text,
    default: '—',
    doc: 'The same overrides from a JSON file (one that cannot be read or parsed is said once by `@mcpmeter/instrumentation-llm`).',
    resolvedBy: 'llm',
  },
  {
    option: 'llm.catalog',
    shape: orFalse(record),
    default: 'bundled `@pydantic/genai-prices`',
    doc: 'Another price catalog, or `false` for overrides only.',
  },
  {
    option: 'llm.captureContent',
    shape: {
      ...bool,
      expects: 'true, false or an options object',
      option: (v) => typeof v === 'boolean' || isObject(v),
    },
    default: '`false`',
    doc: '`gen_ai.input.messages` / `gen_ai.output.messages` on spans, with `maxLength` and `redact`.',
  },
  {
    option: 'llm.includeStreamUsage',
    shape: bool,
    default: '`false`',
    doc: 'Ask OpenAI-compatible streams for usage (`stream_options.include_usage`) so streamed calls get tokens and cost.',
  },
  {
    option: 'llm.tokenEstimator',
    shape: fn,
    default: '—',
    doc: 'Estimate tokens when a provider sends no usage (marked `mcpmeter_tokens_estimated="true"`).',
  },
  {
    option: 'llm.captureWire',
    env: ['MCPMETER_LLM_WIRE'],
    envValues: '`true`, `false`',
    shape: bool,
    default: 'on',
    doc: 'Record LLM calls seen on the wire (fetch, `node:http`/`https`, `node:http2`) for every client, not only `openai` and `@anthropic-ai/sdk`; see [LLM](llm.md).',
  },
  {
    option: 'llm.endpoints',
    env: ['MCPMETER_LLM_ENDPOINTS'],
    envValues: '`provider=baseURL,…`',
    shape: objectArray,
    default: '`[]`',
    doc: "More endpoints recognised on the wire, beside the providers' public hosts (relays, gateways, a local Ollama elsewhere): `{ baseURL, providerName, catalogProvider?, prices? }`. The variable takes `openai=http://127.0.0.1:8080/v1,ollama=http://127.0.0.1:11434`; an entry it cannot use is said once by `@mcpmeter/instrumentation-llm`.",
    resolvedBy: 'llm',
  },
];
