/*
 * A hand-made `--import` preload (what @mcpmeter/node/register does, reduced):
 * the import-in-the-middle loader for ESM, a MeterProvider served by the
 * Prometheus exporter on $METRICS_PORT, and McpInstrumentation from the built
 * package. The server scripts beside it never mention telemetry.
 */
import { register as registerLoader } from 'node:module';
import { createAddHookMessageChannel } from 'import-in-the-middle';
import { metrics } from '@opentelemetry/api';
import { PrometheusExporter } from '@opentelemetry/exporter-prometheus';
import { registerInstrumentations } from '@opentelemetry/instrumentation';
import { MeterProvider } from '@opentelemetry/sdk-metrics';
import { McpInstrumentation } from '@mcpmeter/instrumentation-mcp';

const { registerOptions, waitForAllMessagesAcknowledged } = createAddHookMessageChannel();
registerLoader('import-in-the-middle/hook.mjs', import.meta.url, registerOptions);

const exporter = new PrometheusExporter({
  host: '127.0.0.1',
  port: Number(process.env.METRICS_PORT),
});
metrics.setGlobalMeterProvider(new MeterProvider({ readers: [exporter] }));
registerInstrumentations({ instrumentations: [new McpInstrumentation()] });
await waitForAllMessagesAcknowledged();
