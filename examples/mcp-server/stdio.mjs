// The claw server over stdio. Nothing may be written to stdout but protocol
// messages: telemetry diagnostics go to stderr, /metrics to the side port
// (OTEL_EXPORTER_PROMETHEUS_PORT, default 9464).
import { register } from '@mcpmeter/node';
import { StdioServerTransport } from '@modelcontextprotocol/sdk/server/stdio.js';
import { createClawServer } from './claws.mjs';

const telemetry = register({ serviceName: process.env.OTEL_SERVICE_NAME ?? 'claws-stdio' });
const server = createClawServer();
await server.connect(new StdioServerTransport());
process.stdin.on('end', () => void telemetry.shutdown());
