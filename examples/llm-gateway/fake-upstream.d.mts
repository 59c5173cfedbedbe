export interface FakeUsage {
  input?: number;
  output?: number;
  cacheRead?: number;
  cacheCreation?: number;
  reasoning?: number;
}
export interface FakeUpstreamHandle {
  url: string;
  baseURL: string;
  port: number;
  requests: {
    path: string;
    body: Record<string, unknown>;
    headers: Record<string, string | string[] | undefined>;
    attempt: number;
  }[];
  close(): Promise<void>;
}
export declare const DEFAULT_USAGE: Readonly<Required<FakeUsage>>;
export declare function openaiChatUsage(u: FakeUsage): Record<string, unknown>;
export declare function openaiResponsesUsage(u: FakeUsage): Record<string, unknown>;
export declare function anthropicUsage(u: FakeUsage): Record<string, unknown>;
export declare function startFakeUpstream(options?: {
  port?: number;
  usage?: FakeUsage;
  chunks?: number;
}): Promise<FakeUpstreamHandle>;
