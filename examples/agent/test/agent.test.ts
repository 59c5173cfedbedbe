import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startOtlpReceiver, type OtlpReceiver } from '../../../test-utils/otlp-receiver.js';
import { startNode } from '../../../test-utils/process.js';
import { freePort } from '../../../test-utils/prometheus.js';

const dir = fileURLToPath(new URL('..', import.meta.url));
let receiver: OtlpReceiver;
beforeAll(async () => {
  receiver = await startOtlpReceiver();
});
afterAll(() => receiver.close());

describe('examples/agent', () => {
  it('makes one trace from the agent turn down to both tool servers, offline', async () => {
    const agent = startNode(['agent.mjs'], {
      cwd: dir,
      env: {
        PATH: process.env.PATH ?? '',
        HOME: process.env.HOME ?? '',
        OTEL_EXPORTER_OTLP_ENDPOINT: receiver.url,
        OTEL_BSP_SCHEDULE_DELAY: '50',
        OTEL_EXPORTER_PROMETHEUS_HOST: '127.0.0.1',
        OTEL_EXPORTER_PROMETHEUS_PORT: String(await freePort()),
        STDIO_METRICS_PORT: String(await freePort()),
        HTTP_METRICS_PORT: String(await freePort()),
      },
    });
    const { code } = await agent.exited;
    expect(code, agent.stderr()).toBe(0);
    const out = JSON.parse(agent.stdout().trim());
    expect(out.stdio).toMatch(/level 4/);
    expect(out.http).toMatch(/slept 25/);
    expect(typeof out.llm).toBe('string');

    const all = await receiver.waitForSpans(
      (spans) =>
        spans.filter(
          (s) => s.traceId === out.traceId && s.kind === 2 && s.name.startsWith('tools/call'),
        ).length >= 2,
    );
    const spans = all.filter((s) => s.traceId === out.traceId);
    const root = spans.find((s) => s.name === 'invoke_agent claws-agent')!;
    expect(root.parentSpanId).toBe('');
    const llm = spans.find((s) => s.attributes['gen_ai.operation.name'] === 'chat')!;
    expect(llm, spans.map((s) => s.name).join(', ')).toBeDefined();
    expect(llm.parentSpanId).toBe(root.spanId);
    for (const [tool, service, transport] of [
      ['sharpen_claw', 'claws-stdio', 'pipe'],
      ['slow', 'claws-http', 'tcp'],
    ] as const) {
      const client = spans.find((s) => s.name === `tools/call ${tool}` && s.kind === 3)!;
      const server = spans.find((s) => s.name === `tools/call ${tool}` && s.kind === 2)!;
      expect(client.parentSpanId).toBe(root.spanId);
      expect(client.resource['service.name']).toBe('claws-agent');
      expect(client.attributes['network.transport']).toBe(transport);
      expect(server.parentSpanId).toBe(client.spanId);
      expect(server.resource['service.name']).toBe(service);
    }
  });
});
