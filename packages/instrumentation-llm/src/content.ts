import { callHook } from '@mcpmeter/core';
import type { WireFormat } from './formats.js';
import type { ContentCaptureOptions } from './types.js';

/*
 * Prompt and completion content, only when the user opted in. Messages are
 * serialized in the shape of the GenAI conventions' `gen_ai.input.messages`
 * ([{ role, parts: [{ type: 'text', content }] }]). Only message content is
 * read from the request body: never headers, so never an API key.
 */

export const DEFAULT_MAX_CONTENT_LENGTH = 8192;
const TRUNCATED = '…[truncated]';

export interface ContentPolicy {
  maxLength: number;
  redact: ContentCaptureOptions['redact'];
}

export function contentPolicy(
  option: boolean | ContentCaptureOptions | undefined,
): ContentPolicy | undefined {
  if (option === undefined || option === false) return undefined;
  const o = option === true ? {} : option;
  const max = o.maxLength;
  return {
    maxLength: typeof max === 'number' && max > 0 ? Math.floor(max) : DEFAULT_MAX_CONTENT_LENGTH,
    redact: o.redact,
  };
}

/** Applies the redaction hook, then the size cap. */
export function finishContent(
  policy: ContentPolicy,
  text: string,
  kind: 'input' | 'output',
): string | undefined {
  const redacted =
    policy.redact === undefined
      ? text
      : callHook(policy.redact, 'captureContent.redact', text, kind);
  if (typeof redacted !== 'string') return undefined;
  if (redacted.length <= policy.maxLength) return redacted;
  return redacted.slice(0, Math.max(0, policy.maxLength - TRUNCATED.length)) + TRUNCATED;
}

interface Message {
  role: string;
  parts: { type: 'text'; content: string }[];
}

type Json = Record<string, unknown>;

function textOf(content: unknown): string | undefined {
  if (typeof content === 'string') return content;
  if (!Array.isArray(content)) return undefined;
  const texts: string[] = [];
  for (const part of content) {
    const p = part as Json | null;
    if (p !== null && typeof p === 'object') {
      if (typeof p.text === 'string') texts.push(p.text);
      else if (typeof p.content === 'string') texts.push(p.content);
    }
  }
  return texts.length > 0 ? texts.join('\n') : undefined;
}

/** The request's messages in semconv shape (text parts only). */
export function inputMessages(format: WireFormat, body: unknown): Message[] {
  const b = body as Json | null;
  if (b === null || typeof b !== 'object') return [];
  const out: Message[] = [];
  const push = (role: unknown, content: unknown) => {
    const text = textOf(content);
    if (text !== undefined)
      out.push({
        role: typeof role === 'string' ? role : 'user',
        parts: [{ type: 'text', content: text }],
      });
  };
  switch (format) {
    case 'openai.chat':
    case 'ollama.chat':
    case 'bedrock.invoke':
    case 'anthropic.messages':
      if (format === 'anthropic.messages' && b.system !== undefined) push('system', b.system);
      if (Array.isArray(b.messages))
        for (const m of b.messages as Json[]) push(m?.role, m?.content);
      break;
    case 'openai.responses':
      if (typeof b.instructions === 'string') push('system', b.instructions);
      if (typeof b.input === 'string') push('user', b.input);
      else if (Array.isArray(b.input)) for (const m of b.input as Json[]) push(m?.role, m?.content);
      break;
    case 'gemini': {
      const sys = (b.systemInstruction as Json | undefined)?.parts;
      if (sys !== undefined) push('system', sys);
      if (typeof b.contents === 'string') push('user', b.contents);
      else if (Array.isArray(b.contents))
        for (const c of b.contents as Json[])
          push(c?.role === 'model' ? 'assistant' : c?.role, c?.parts);
      break;
    }
    case 'bedrock.converse':
      if (Array.isArray(b.system)) push('system', b.system);
      if (Array.isArray(b.messages))
        for (const m of b.messages as Json[]) push(m?.role, m?.content);
      break;
    case 'ollama.generate':
      if (typeof b.system === 'string') push('system', b.system);
      if (typeof b.prompt === 'string') push('user', b.prompt);
      break;
    case 'openai.embeddings':
      if (typeof b.input === 'string') push('user', b.input);
      else if (Array.isArray(b.input))
        for (const s of b.input) if (typeof s === 'string') push('user', s);
      break;
  }
  return out;
}

/** All request text joined, for token estimation. */
export function inputText(format: WireFormat, body: unknown): string {
  return inputMessages(format, body)
    .map((m) => m.parts.map((p) => p.content).join('\n'))
    .join('\n');
}

export function outputMessages(text: string, finishReason: string | undefined): string {
  return JSON.stringify([
    {
      role: 'assistant',
      parts: [{ type: 'text', content: text }],
      finish_reason: finishReason ?? 'stop',
    },
  ]);
}
