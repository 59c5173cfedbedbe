// The per-request bookkeeping of instrumentMcpServer in a tight loop, without
// the MCP SDK around it: a protocol stand-in whose _onrequest answers through
// its transport's send at once. Prints ns per request, instrumented and not
// (no-op meter and tracer, as bench/mcp-server.mjs "wrapper-only").
//
//   pnpm build && node bench/mcp-bookkeeping.mjs
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';

const PKG = join(dirname(fileURLToPath(import.meta.url)), '../packages/instrumentation-mcp');
const req = createRequire(join(PKG, 'package.json'));
const api = await import(pathToFileURL(req.resolve('@opentelemetry/api')).href);
const { instrumentMcpServer } = await import(pathToFileURL(join(PKG, 'dist/index.mjs')).href);

function standIn(instrumented) {
  const controllers = new Map();
  const transport = {
    send(msg) {
      controllers.delete(msg.id);
      return Promise.resolve();
    },
  };
  const protocol = {
    _transport: transport,
    _requestHandlerAbortControllers: controllers,
    _onrequest(request) {
      controllers.set(request.id, 1);
      void this._transport.send({ jsonrpc: '2.0', id: request.id, result: { content: [] } });
    },
    _onclose() {},
    _oncancel() {},
    request() {},
    notification() {},
  };
  if (instrumented) {
    instrumentMcpServer(protocol, {
      meterProvider: { getMeter: () => api.createNoopMeter() },
      tracerProvider: new api.ProxyTracerProvider(),
    });
  }
  let id = 0;
  const extra = {};
  return () =>
    protocol._onrequest(
      { jsonrpc: '2.0', id: ++id, method: 'tools/call', params: { name: 'echo', arguments: {} } },
      extra,
    );
}

const N = 1_000_000;
for (const instrumented of [false, true]) {
  const once = standIn(instrumented);
  for (let i = 0; i < 200_000; i++) once();
  const runs = [];
  for (let r = 0; r < 5; r++) {
    const t0 = process.cpuUsage();
    for (let i = 0; i < N; i++) once();
    const u = process.cpuUsage(t0);
    runs.push(((u.user + u.system) * 1000) / N);
  }
  runs.sort((a, b) => a - b);
  process.stderr.write(
    `${instrumented ? 'instrumented  ' : 'uninstrumented'} ${runs[2].toFixed(0)} ns per request (median of 5 × ${N.toLocaleString('en')})\n`,
  );
}
