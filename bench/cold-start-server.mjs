// The stdio MCP server of bench/cold-start.mjs: a plain server as published packages
// are, no telemetry of its own. Its one tool answers with the process's peak RSS so
// far (KiB) and the CPU time it has used (µs), read at the moment of the first reply.
import { McpServer } from '@modelcontextprotocol/sdk/server/mcp.js';
import { StdioServerTransport } from '@modelcontextprotocol/sdk/server/stdio.js';
import { z } from 'zod';

const server = new McpServer({ name: 'cold-start', version: '1.0.0' });
server.registerTool(
  'peak_rss',
  { description: 'Peak RSS (KiB) and CPU time (µs) so far.', inputSchema: { unit: z.string() } },
  async () => {
    const { maxRSS, userCPUTime, systemCPUTime } = process.resourceUsage();
    const text = JSON.stringify({ maxRSS, cpu: userCPUTime + systemCPUTime });
    return { content: [{ type: 'text', text }] };
  },
);
await server.connect(new StdioServerTransport());
