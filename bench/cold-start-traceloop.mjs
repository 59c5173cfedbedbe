// `--import` file of the Traceloop row of bench/cold-start.mjs, as Traceloop's TypeScript
// quick start has it (`traceloop.initialize()` before the app's other imports), exporting
// over OTLP/HTTP to the bench's local sink (`baseUrl`). Its start-up line would go to
// stdout, the MCP stdio channel, so it is silenced (`silenceInitializationMessage`).
import * as traceloop from '@traceloop/node-server-sdk';

traceloop.initialize({
  appName: 'cold-start',
  baseUrl: process.env.BENCH_SINK_URL,
  silenceInitializationMessage: true,
});
