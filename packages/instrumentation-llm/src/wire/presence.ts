import { warnOnce } from '@mcpmeter/core';
import type { Transport } from './start.js';

/*
 * LLM SDKs and the transport each one's calls go through. When one is loaded
 * and mcpmeter cannot see that transport (an older Node, or wire capture
 * turned off), it is named once on stderr instead of leaving its calls
 * silently unrecorded.
 */
export const LLM_SDKS: readonly { name: string; transport: Transport }[] = [
  { name: 'ai', transport: 'fetch' },
  { name: '@ai-sdk/openai', transport: 'fetch' },
  { name: '@ai-sdk/anthropic', transport: 'fetch' },
  { name: '@ai-sdk/google', transport: 'fetch' },
  { name: '@ai-sdk/amazon-bedrock', transport: 'fetch' },
  { name: '@google/genai', transport: 'fetch' },
  { name: '@google/generative-ai', transport: 'fetch' },
  { name: 'ollama', transport: 'fetch' },
  { name: '@mistralai/mistralai', transport: 'fetch' },
  { name: 'groq-sdk', transport: 'fetch' },
  { name: '@aws-sdk/client-bedrock-runtime', transport: 'http2' },
];

export function nameUnseenSdk(name: string, transport: Transport, why: string): void {
  warnOnce(
    `instrumentation-llm:unseen:${name}`,
    `mcpmeter: ${name} is loaded but its LLM calls (over ${transport}) are not recorded: ${why}`,
  );
}
