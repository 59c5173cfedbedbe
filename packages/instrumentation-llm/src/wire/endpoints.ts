import { warnOnce } from '@mcpmeter/core';
import type { LlmEndpoint } from '../types.js';

/*
 * Which HTTP requests are LLM calls, by endpoint: the providers' public hosts
 * out of the box, plus endpoints configured by option or by MCPMETER_LLM_ENDPOINTS.
 * `provider` is the `gen_ai.provider.name` value; `api` the wire format family;
 * `catalogProvider` the @pydantic/genai-prices provider id (undefined: a local
 * model, priced 0 unless the user prices it).
 */

export type WireApi = 'openai' | 'anthropic' | 'gemini' | 'bedrock' | 'ollama';

export interface ResolvedEndpoint {
  provider: string;
  api: WireApi;
  catalogProvider: string | undefined;
  /** True when the user configured it (unknown paths there are counted as unparsed). */
  configured: boolean;
  /** The AWS region of a Bedrock host. */
  region?: string;
}

export const ENDPOINTS_ENV = 'MCPMETER_LLM_ENDPOINTS';

/** gen_ai.provider.name → wire format family and genai-prices provider id. */
const PROVIDERS: Record<string, { api: WireApi; catalog: string | undefined }> = {
  openai: { api: 'openai', catalog: 'openai' },
  'azure.ai.openai': { api: 'openai', catalog: 'azure' },
  anthropic: { api: 'anthropic', catalog: 'anthropic' },
  'gcp.gemini': { api: 'gemini', catalog: 'google' },
  'gcp.vertex_ai': { api: 'gemini', catalog: 'google' },
  'aws.bedrock': { api: 'bedrock', catalog: 'aws' },
  mistral_ai: { api: 'openai', catalog: 'mistral' },
  groq: { api: 'openai', catalog: 'groq' },
  deepseek: { api: 'openai', catalog: 'deepseek' },
  x_ai: { api: 'openai', catalog: 'x-ai' },
  openrouter: { api: 'openai', catalog: 'openrouter' },
  ollama: { api: 'ollama', catalog: undefined },
};

/** The genai-prices provider id for a provider name (names outside the table pass through). */
export function catalogIdOf(provider: string): string | undefined {
  return provider in PROVIDERS ? PROVIDERS[provider]!.catalog : provider;
}

export function apiOf(provider: string): WireApi {
  return PROVIDERS[provider]?.api ?? 'openai';
}

const known = (provider: string, region?: string): ResolvedEndpoint => ({
  provider,
  api: PROVIDERS[provider]!.api,
  catalogProvider: PROVIDERS[provider]!.catalog,
  configured: false,
  region,
});

const EXACT_HOSTS: Record<string, string> = {
  'api.openai.com': 'openai',
  'api.anthropic.com': 'anthropic',
  'generativelanguage.googleapis.com': 'gcp.gemini',
  'aiplatform.googleapis.com': 'gcp.vertex_ai',
  'api.mistral.ai': 'mistral_ai',
  'api.groq.com': 'groq',
  'api.deepseek.com': 'deepseek',
  'api.x.ai': 'x_ai',
  'openrouter.ai': 'openrouter',
  'api.openrouter.ai': 'openrouter',
};
const BEDROCK = /^bedrock-runtime(?:-fips)?\.([a-z0-9-]+)\.amazonaws\.com(?:\.cn)?$/;
const AZURE = /\.(?:openai\.azure\.com|cognitiveservices\.azure\.com|services\.ai\.azure\.com)$/;
const VERTEX = /^[a-z0-9-]+-aiplatform\.googleapis\.com$/;
const LOCAL = new Set(['localhost', '127.0.0.1', '[::1]', '::1']);

/** A built-in endpoint by host (and port, for a local Ollama). */
export function knownEndpoint(hostname: string, port: string): ResolvedEndpoint | undefined {
  const host = hostname.toLowerCase();
  const exact = EXACT_HOSTS[host];
  if (exact !== undefined) return known(exact);
  const bedrock = BEDROCK.exec(host);
  if (bedrock !== null) return known('aws.bedrock', bedrock[1]);
  if (AZURE.test(host)) return known('azure.ai.openai');
  if (VERTEX.test(host)) return known('gcp.vertex_ai');
  if (port === '11434' && LOCAL.has(host)) return known('ollama');
  return undefined;
}

export interface ConfiguredEndpoint {
  base: string;
  endpoint: ResolvedEndpoint;
}

/** Option endpoints and MCPMETER_LLM_ENDPOINTS, longest base URL first. */
export function configuredEndpoints(
  options: readonly LlmEndpoint[] = [],
  env: string | undefined = process.env[ENDPOINTS_ENV] ?? '',
): ConfiguredEndpoint[] {
  const out: ConfiguredEndpoint[] = [];
  for (const e of options) {
    if (typeof e?.baseURL !== 'string' || typeof e.providerName !== 'string') continue;
    out.push({
      base: normalizeBase(e.baseURL),
      endpoint: {
        provider: e.providerName,
        api: e.api ?? apiOf(e.providerName),
        catalogProvider:
          e.catalogProvider !== undefined
            ? catalogIdOf(e.catalogProvider)
            : catalogIdOf(e.providerName),
        configured: true,
      },
    });
  }
  for (const item of (env ?? '').split(',')) {
    const text = item.trim();
    if (text === '') continue;
    const eq = text.indexOf('=');
    const provider = eq > 0 ? text.slice(0, eq).trim() : '';
    const base = eq > 0 ? text.slice(eq + 1).trim() : '';
    if (!(provider in PROVIDERS) || !/^https?:\/\/[^/]/.test(base)) {
      warnOnce(
        `instrumentation-llm:bad-endpoint:${text.slice(0, 100)}`,
        `mcpmeter: ${ENDPOINTS_ENV} entry ${JSON.stringify(text.slice(0, 100))} ignored: expected provider=baseURL ` +
          `with provider one of ${Object.keys(PROVIDERS).join(', ')} (e.g. openai=http://127.0.0.1:8080/v1)`,
      );
      continue;
    }
    out.push({
      base: normalizeBase(base),
      endpoint: {
        provider,
        api: apiOf(provider),
        catalogProvider: catalogIdOf(provider),
        configured: true,
      },
    });
  }
  return out.sort((a, b) => b.base.length - a.base.length);
}

function normalizeBase(url: string): string {
  try {
    const u = new URL(url);
    return `${u.protocol}//${u.host}${u.pathname.replace(/\/+$/, '')}`.toLowerCase();
  } catch {
    return url.replace(/\/+$/, '').toLowerCase();
  }
}

/** The endpoint an URL belongs to: configured ones first, then the built-in hosts. */
export function resolveEndpoint(
  configured: readonly ConfiguredEndpoint[],
  protocol: string,
  host: string,
  path: string,
  builtIns = true,
): ResolvedEndpoint | undefined {
  if (configured.length > 0) {
    const url = `${protocol}//${host}${path}`.toLowerCase();
    for (const c of configured) {
      if (url.startsWith(c.base)) {
        const next = url.charCodeAt(c.base.length);
        if (Number.isNaN(next) || next === 47 /* / */ || next === 63 /* ? */) return c.endpoint;
      }
    }
  }
  if (!builtIns) return undefined;
  const colon = host.lastIndexOf(':');
  const bracket = host.lastIndexOf(']');
  const hasPort = colon > bracket && colon !== -1;
  return knownEndpoint(hasPort ? host.slice(0, colon) : host, hasPort ? host.slice(colon + 1) : '');
}
