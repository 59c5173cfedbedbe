// The example server's tools. Telemetry comes from instrumentMcpServer() and
// toolMetrics(); the tool code itself only records its own domain metric.
import { McpServer } from '@modelcontextprotocol/sdk/server/mcp.js';
import { instrumentMcpServer, toolMetrics } from '@mcpmeter/instrumentation-mcp';
import { instrumentFetch } from '@mcpmeter/instrumentation-llm';
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

/*
 * With LLM_BASE_URL (an OpenAI-compatible base URL, e.g. the llm-gateway example's fake
 * upstream), one more tool, ask_llm, calls the LLM from inside its handler: the call's
 * tokens and cost carry gen_ai_tool_name="ask_llm" (cost per tool). LLM_MODEL picks the
 * model (gpt-4.1-mini), LLM_API_KEY the bearer token.
 */
const llmBaseURL = process.env.LLM_BASE_URL?.replace(/\/+$/, '');
const llmFetch = llmBaseURL
  ? instrumentFetch(fetch, { endpoints: [{ baseURL: llmBaseURL, providerName: 'openai' }] })
  : undefined;

/**
 * One chat completion; the answer's text, or a tool error with the upstream's status.
 * @param {typeof fetch} send @param {string} question
 */
async function askLlm(send, question) {
  const res = await send(`${llmBaseURL}/chat/completions`, {
    method: 'POST',
    headers: {
      'content-type': 'application/json',
      authorization: `Bearer ${process.env.LLM_API_KEY ?? 'unset'}`,
    },
    body: JSON.stringify({
      model: process.env.LLM_MODEL ?? 'gpt-4.1-mini',
      messages: [{ role: 'user', content: question }],
    }),
  });
  if (!res.ok) return { ...text(`the LLM answered ${res.status}`), isError: true };
  const body = /** @type {{ choices?: { message?: { content?: string } }[] }} */ (await res.json());
  return text(body.choices?.[0]?.message?.content ?? '');
}

/** A new instrumented McpServer with the five claw tools (six with ask_llm). */
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
  if (llmFetch)
    server.registerTool(
      'ask_llm',
      {
        description: 'Asks an LLM one question and returns its answer.',
        inputSchema: { question: z.string().min(1).max(4000) },
      },
      async ({ question }) => askLlm(llmFetch, question),
    );
  return server;
}
