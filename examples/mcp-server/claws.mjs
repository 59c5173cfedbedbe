// The example server's tools. Telemetry comes from instrumentMcpServer() and
// toolMetrics(); the tool code itself only records its own domain metric.
import { McpServer } from '@modelcontextprotocol/sdk/server/mcp.js';
import { instrumentMcpServer, toolMetrics } from '@mcpmeter/instrumentation-mcp';
import { z } from 'zod';

// Created once at module scope; each record carries the calling tool's name.
const sharpness = toolMetrics().histogram('claw.sharpness.level', {
  description: 'Sharpness level a claw reached.',
  unit: '{level}',
  advice: { explicitBucketBoundaries: [1, 2, 4, 6, 8, 10] },
});

/**
 * @param {string} t
 * @returns {{ content: { type: 'text'; text: string }[] }}
 */
const text = (t) => ({ content: [{ type: 'text', text: t }] });

/** A new instrumented McpServer with the five claw tools. */
export function createClawServer() {
  const server = instrumentMcpServer(new McpServer({ name: 'claws', version: '1.0.0' }));
  server.registerTool('fast', { description: 'Answers at once.' }, async () => text('ok'));
  server.registerTool(
    'slow',
    {
      description: 'Waits the given number of milliseconds (stops early when cancelled).',
      inputSchema: { ms: z.number().int().min(0).max(60_000) },
    },
    async ({ ms }, extra) => {
      await new Promise((/** @type {(value?: unknown) => void} */ resolve) => {
        const timer = setTimeout(resolve, ms);
        const stop = () => (clearTimeout(timer), resolve());
        extra.signal.addEventListener('abort', stop, { once: true });
      });
      return text(`slept ${ms} ms`);
    },
  );
  server.registerTool(
    'failing',
    { description: 'Always reports a tool error (isError).' },
    async () => ({
      ...text('the claw is blunt'),
      isError: true,
    }),
  );
  server.registerTool('throwing', { description: 'Always throws.' }, async () => {
    throw new RangeError('claw out of range');
  });
  server.registerTool(
    'sharpen_claw',
    {
      description: 'Sharpens a claw; records the level reached.',
      inputSchema: { times: z.number().int().min(1).max(5) },
    },
    async ({ times }) => {
      const level = Math.min(10, times * 2);
      sharpness.record(level);
      return text(`sharpened to level ${level}`);
    },
  );
  return server;
}
