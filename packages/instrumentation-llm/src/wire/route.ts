import type { WireFormat } from '../formats.js';
import type { WireApi } from './endpoints.js';

/** What a request to a recognised endpoint is: its format, operation, model and whether it streams. */
export interface Route {
  format: WireFormat;
  operation: string;
  /** The model named in the path (Gemini, Bedrock, an Azure deployment); the body's wins otherwise. */
  pathModel?: string;
  /** Streaming decided by the path (Gemini, Bedrock); else by the body's `stream`. */
  stream?: boolean;
}

const GEMINI =
  /\/models\/([^/:]+):(generateContent|streamGenerateContent|embedContent|batchEmbedContents)$/;
const VERTEX_ANTHROPIC = /\/publishers\/anthropic\/models\/([^/:]+):(rawPredict|streamRawPredict)$/;
const BEDROCK = /\/model\/([^/]+)\/(converse|converse-stream|invoke|invoke-with-response-stream)$/;
const AZURE_DEPLOYMENT = /\/deployments\/([^/]+)\//;

function decode(s: string): string {
  try {
    return decodeURIComponent(s);
  } catch {
    return s;
  }
}

/** The route of a POST to an endpoint of the given API family, or undefined (not an LLM call). */
export function routeOf(api: WireApi, fullPath: string): Route | undefined {
  const q = fullPath.indexOf('?');
  const path = q === -1 ? fullPath : fullPath.slice(0, q);
  switch (api) {
    case 'openai':
    case 'ollama': {
      if (path.endsWith('/chat/completions'))
        return withDeployment({ format: 'openai.chat', operation: 'chat' }, path);
      if (path.endsWith('/responses'))
        return withDeployment({ format: 'openai.responses', operation: 'chat' }, path);
      if (path.endsWith('/embeddings') && !path.endsWith('/api/embeddings'))
        return withDeployment({ format: 'openai.embeddings', operation: 'embeddings' }, path);
      if (path.endsWith('/messages')) return { format: 'anthropic.messages', operation: 'chat' };
      if (api !== 'ollama') return undefined;
      if (path.endsWith('/api/chat')) return { format: 'ollama.chat', operation: 'chat' };
      if (path.endsWith('/api/generate'))
        return { format: 'ollama.generate', operation: 'text_completion' };
      if (path.endsWith('/api/embed') || path.endsWith('/api/embeddings'))
        return { format: 'ollama.embeddings', operation: 'embeddings', stream: false };
      return undefined;
    }
    case 'anthropic':
      return path.endsWith('/messages')
        ? { format: 'anthropic.messages', operation: 'chat' }
        : undefined;
    case 'gemini': {
      const m = GEMINI.exec(path);
      if (m !== null) {
        const action = m[2]!;
        const embed = action === 'embedContent' || action === 'batchEmbedContents';
        return {
          format: embed ? 'gemini.embeddings' : 'gemini',
          operation: embed ? 'embeddings' : 'generate_content',
          pathModel: decode(m[1]!),
          stream: action === 'streamGenerateContent',
        };
      }
      const a = VERTEX_ANTHROPIC.exec(path);
      if (a !== null)
        return {
          format: 'anthropic.messages',
          operation: 'chat',
          pathModel: decode(a[1]!),
          stream: a[2] === 'streamRawPredict',
        };
      return path.endsWith('/chat/completions')
        ? { format: 'openai.chat', operation: 'chat' }
        : undefined;
    }
    case 'bedrock': {
      const m = BEDROCK.exec(path);
      if (m === null) return undefined;
      const action = m[2]!;
      const converse = action === 'converse' || action === 'converse-stream';
      return {
        format: converse ? 'bedrock.converse' : 'bedrock.invoke',
        operation: 'chat',
        pathModel: decode(m[1]!),
        stream: action === 'converse-stream' || action === 'invoke-with-response-stream',
      };
    }
  }
}

function withDeployment(route: Route, path: string): Route {
  const d = AZURE_DEPLOYMENT.exec(path);
  return d === null ? route : { ...route, pathModel: decode(d[1]!) };
}
