import type { Tracer } from '@opentelemetry/api';
import {
  InstrumentationBase,
  InstrumentationNodeModuleDefinition,
  InstrumentationNodeModuleFile,
} from '@opentelemetry/instrumentation';
import { describeError } from '@mcpmeter/core';
import { checkEntryBundle } from './bundle-check.js';
import { hookSdk1Require } from './cjs-hook.js';
import { resolveContentCapture, type ContentCapture } from './content.js';
import { ClientInstruments } from './client/instruments.js';
import { instrumentClient } from './client/instrument-client.js';
import { connectObserved } from './client/connect.js';
import { instrumentAiSdkClient } from './client/ai-sdk.js';
import { ServerInstruments } from './server/instruments.js';
import { isMcpServer } from './server/instrument-server.js';
import { connectWatched, instrumentProtocol } from './protocol/hook.js';
import { instrumentMcp } from './server/mcp-server.js';
import type { TelemetrySource } from './source.js';
import { resolveToolNames } from './tool-names.js';
import type { McpInstrumentationConfig } from './types.js';
import { PACKAGE_NAME, PACKAGE_VERSION } from './version.js';

type Fn = (this: unknown, ...args: unknown[]) => unknown;
interface ClassExport {
  prototype: Record<string, unknown>;
}
interface ServerModule {
  Server?: ClassExport;
  McpServer?: ClassExport;
}
interface ClientModule {
  Client?: ClassExport;
}
type FactoryModule = Record<string, unknown>;

/** `@ai-sdk/mcp` exports both names (the second for code written against the AI SDK 4/5 API). */
const AI_SDK_FACTORIES = ['createMCPClient', 'experimental_createMCPClient'];

const SDK1 = ['>=1.0.0 <2'];
const SDK2 = ['>=2.0.0-0 <3'];
const SDK1_MCP = '@modelcontextprotocol/sdk/server/mcp.js';
const SDK1_SERVER = '@modelcontextprotocol/sdk/server/index.js';
const SDK1_CLIENT = '@modelcontextprotocol/sdk/client/index.js';

/**
 * Zero-code instrumentation of MCP servers and clients: patches
 * `Server.prototype.connect` and `McpServer.prototype.connect` of
 * `@modelcontextprotocol/sdk` 1.x (its CJS and ESM builds) and of
 * `@modelcontextprotocol/server` 2.x, and `Client.prototype.connect` of
 * `@modelcontextprotocol/sdk` 1.x and `@modelcontextprotocol/client` 2.x, so
 * every server and client is instrumented (as by `instrumentMcpServer` /
 * `instrumentMcpClient`) when it connects.
 *
 * @example
 * registerInstrumentations({ instrumentations: [new McpInstrumentation()] });
 */
export class McpInstrumentation extends InstrumentationBase<McpInstrumentationConfig> {
  // `declare`: the base constructor calls setConfig/enable/_updateMetricInstruments
  // before subclass fields would be initialised, and must not be overwritten.
  declare private instruments: ServerInstruments | undefined;
  declare private clientInstruments: ClientInstruments | undefined;
  declare private content: ContentCapture;
  declare private active: boolean;
  declare private cjsHook: { unhook(): void } | undefined;
  declare private cjsPatched: Set<ClassExport> | undefined;
  /** Packages seen loading (and patched), for the bundle check. */
  declare private seen: Set<string> | undefined;
  private readonly source: TelemetrySource;

  constructor(config: McpInstrumentationConfig = {}) {
    super(PACKAGE_NAME, PACKAGE_VERSION, config);
    this.content = resolveContentCapture(config);
    // Servers instrumented earlier follow enable/disable and provider changes.
    this.source = Object.defineProperties({} as TelemetrySource, {
      enabled: { get: () => this.active === true },
      tracer: { get: (): Tracer => this.tracer },
      instruments: { get: () => (this.instruments ??= ServerInstruments.for(this.meter)) },
      clientInstruments: {
        get: () => (this.clientInstruments ??= ClientInstruments.for(this.meter)),
      },
      content: { get: () => this.content },
      toolNames: { get: () => resolveToolNames(this.getConfig().toolNames) },
      reuseExecuteToolSpan: { get: () => this.getConfig().reuseExecuteToolSpan !== false },
    });
  }

  override setConfig(config: McpInstrumentationConfig = {}): void {
    super.setConfig(config);
    this.content = resolveContentCapture(config);
  }

  protected override _updateMetricInstruments(): void {
    this.instruments = ServerInstruments.for(this.meter);
    this.clientInstruments = ClientInstruments.for(this.meter);
  }

  protected init(): InstrumentationNodeModuleDefinition[] {
    const files = (dir: 'cjs' | 'esm') => [
      new InstrumentationNodeModuleFile(
        `@modelcontextprotocol/sdk/dist/${dir}/server/index.js`,
        SDK1,
        (exports: ServerModule) => this.patchClass(exports, exports?.Server, false),
        (exports?: ServerModule) => this.unpatchClass(exports?.Server),
      ),
      new InstrumentationNodeModuleFile(
        `@modelcontextprotocol/sdk/dist/${dir}/server/mcp.js`,
        SDK1,
        (exports: ServerModule) => this.patchClass(exports, exports?.McpServer, true),
        (exports?: ServerModule) => this.unpatchClass(exports?.McpServer),
      ),
      new InstrumentationNodeModuleFile(
        `@modelcontextprotocol/sdk/dist/${dir}/client/index.js`,
        SDK1,
        (exports: ClientModule) => this.patchClient(exports, exports?.Client),
        (exports?: ClientModule) => this.unpatchClass(exports?.Client),
      ),
    ];
    // SDK 1.x declares a main entry ("." → dist/*/index.js) that does not exist,
    // so hooks keyed by the package name never fire for it. The subpath
    // specifiers apps import are matched directly (import-in-the-middle matches
    // specifiers; see cjs-hook.ts for require).
    const bySpecifier = (specifier: string, isMcp: boolean) =>
      new InstrumentationNodeModuleDefinition(
        specifier,
        SDK1,
        (exports: ServerModule) =>
          this.patchClass(exports, isMcp ? exports?.McpServer : exports?.Server, isMcp),
        (exports?: ServerModule) => this.unpatchClass(isMcp ? exports?.McpServer : exports?.Server),
      );
    return [
      bySpecifier(SDK1_MCP, true),
      bySpecifier(SDK1_SERVER, false),
      new InstrumentationNodeModuleDefinition(
        SDK1_CLIENT,
        SDK1,
        (exports: ClientModule) => this.patchClient(exports, exports?.Client),
        (exports?: ClientModule) => this.unpatchClass(exports?.Client),
      ),
      new InstrumentationNodeModuleDefinition(
        '@modelcontextprotocol/client',
        SDK2,
        (exports: ClientModule) => this.patchClient(exports, exports?.Client),
        (exports?: ClientModule) => this.unpatchClass(exports?.Client),
      ),
      new InstrumentationNodeModuleDefinition(
        '@ai-sdk/mcp',
        ['>=0.0.1 <3'],
        (exports: FactoryModule) => this.patchFactories(exports),
        (exports?: FactoryModule) => this.unpatchFactories(exports),
      ),
      // AI SDK 4.2 – 4.3 shipped its own experimental_createMCPClient (5.x moved it to @ai-sdk/mcp).
      new InstrumentationNodeModuleDefinition(
        'ai',
        ['>=4.2.0 <6'],
        (exports: FactoryModule) => this.patchFactories(exports),
        (exports?: FactoryModule) => this.unpatchFactories(exports),
      ),
      new InstrumentationNodeModuleDefinition(
        '@modelcontextprotocol/sdk',
        SDK1,
        undefined,
        undefined,
        [...files('cjs'), ...files('esm')],
      ),
      new InstrumentationNodeModuleDefinition(
        '@modelcontextprotocol/server',
        SDK2,
        (exports: ServerModule) => {
          this.patchClass(exports, exports?.Server, false);
          return this.patchClass(exports, exports?.McpServer, true);
        },
        (exports?: ServerModule) => {
          this.unpatchClass(exports?.Server);
          this.unpatchClass(exports?.McpServer);
        },
      ),
    ];
  }

  override enable(): void {
    this.active = true;
    super.enable();
    // Once the entry module had its turn to load what it imports.
    if (this.getConfig().checkBundle !== false && !bundleCheckScheduled()) {
      setTimeout(() => checkEntryBundle(this.seen ?? new Set()), 0).unref?.();
    }
    this.cjsHook ??= hookSdk1Require([SDK1_MCP, SDK1_SERVER, SDK1_CLIENT], (specifier, exports) => {
      if (specifier === SDK1_CLIENT) {
        const client = (exports as ClientModule)?.Client;
        if (client === undefined) return;
        (this.cjsPatched ??= new Set()).add(client);
        this.patchClient(exports, client);
        return;
      }
      const isMcp = specifier === SDK1_MCP;
      const cls = isMcp ? (exports as ServerModule)?.McpServer : (exports as ServerModule)?.Server;
      if (cls === undefined) return;
      (this.cjsPatched ??= new Set()).add(cls);
      this.patchClass(exports, cls, isMcp);
    });
  }

  override disable(): void {
    this.active = false;
    super.disable();
    this.cjsHook?.unhook();
    this.cjsHook = undefined;
    for (const cls of this.cjsPatched ?? []) this.unpatchClass(cls);
    this.cjsPatched?.clear();
  }

  private patchClass<T>(exports: T, cls: ClassExport | undefined, isMcp: boolean): T {
    this.noteSeen('@modelcontextprotocol/sdk', '@modelcontextprotocol/server');
    const proto = cls?.prototype;
    if (proto === undefined || typeof proto.connect !== 'function') {
      this._diag.debug(`${isMcp ? 'McpServer' : 'Server'} not found; nothing to patch`);
      return exports;
    }
    if (isPatched(proto.connect)) this._unwrap(proto, 'connect');
    const source = this.source;
    const diag = this._diag;
    this._wrap(proto, 'connect', (original: unknown) => {
      const connect = original as Fn;
      return function instrumentedConnect(this: unknown, ...args: unknown[]) {
        let watch = false;
        if (source.enabled) {
          try {
            if (isMcp && isMcpServer(this)) instrumentMcp(this, source);
            else if (!isMcp) watch = instrumentProtocol(this, source) !== undefined;
          } catch (err) {
            diag.error(`could not instrument an MCP server: ${describeError(err)}`);
          }
        }
        // This very call bypasses the instance's connect hook: watch the transport here.
        return watch
          ? connectWatched(this, args[0], () => connect.apply(this, args))
          : connect.apply(this, args);
      };
    });
    return exports;
  }

  private patchClient<T>(exports: T, cls: ClassExport | undefined): T {
    this.noteSeen('@modelcontextprotocol/sdk', '@modelcontextprotocol/client');
    const proto = cls?.prototype;
    if (proto === undefined || typeof proto.connect !== 'function') {
      this._diag.debug('Client not found; nothing to patch');
      return exports;
    }
    if (isPatched(proto.connect)) this._unwrap(proto, 'connect');
    const source = this.source;
    const diag = this._diag;
    const wanted = () => this.getConfig().instrumentClients !== false;
    this._wrap(proto, 'connect', (original: unknown) => {
      const connect = original as Fn;
      return function instrumentedClientConnect(this: object, ...args: unknown[]) {
        if (!source.enabled || !wanted()) return connect.apply(this, args);
        let state;
        try {
          state = instrumentClient(this, source);
        } catch (err) {
          diag.error(`could not instrument an MCP client: ${describeError(err)}`);
        }
        if (state === undefined) return connect.apply(this, args);
        return connectObserved(this, state, () => connect.apply(this, args));
      };
    });
    return exports;
  }

  /** Wraps `createMCPClient` (and its experimental alias): the client it resolves with is instrumented. */
  private patchFactories<T extends FactoryModule>(exports: T): T {
    if (exports === null || typeof exports !== 'object') return exports;
    this.noteSeen('@ai-sdk/mcp');
    const source = this.source;
    const diag = this._diag;
    const wanted = () => this.getConfig().instrumentClients !== false;
    for (const name of AI_SDK_FACTORIES) {
      if (typeof exports[name] !== 'function') continue;
      if (isPatched(exports[name])) this._unwrap(exports, name);
      this._wrap(exports as Record<string, Fn>, name, (original: Fn) => {
        const create = original;
        return function instrumentedCreateMCPClient(this: unknown, ...args: unknown[]) {
          const result = create.apply(this, args);
          if (
            !source.enabled ||
            !wanted() ||
            typeof (result as Promise<unknown>)?.then !== 'function'
          ) {
            return result;
          }
          const start = performance.now();
          // This reaction is registered before the caller's await, so it runs
          // first: the client is instrumented before the caller uses it. The
          // caller gets the original promise.
          (result as Promise<unknown>).then(
            (client) => {
              try {
                instrumentAiSdkClient(client, source, start);
              } catch (err) {
                diag.error(`could not instrument an @ai-sdk/mcp client: ${describeError(err)}`);
              }
            },
            () => undefined,
          );
          return result;
        };
      });
    }
    return exports;
  }

  private unpatchFactories(exports: FactoryModule | undefined): void {
    for (const name of AI_SDK_FACTORIES) {
      if (exports !== undefined && isPatched(exports[name])) this._unwrap(exports, name);
    }
  }

  private noteSeen(...names: string[]): void {
    const seen = (this.seen ??= new Set());
    for (const n of names) seen.add(n);
  }

  private unpatchClass(cls: ClassExport | undefined): void {
    const proto = cls?.prototype;
    if (proto !== undefined && isPatched(proto.connect)) this._unwrap(proto, 'connect');
  }
}

const BUNDLE_CHECK = Symbol.for('mcpmeter.instrumentation-mcp.bundle-check');

/** True after the first call in this process (both builds share the flag). */
function bundleCheckScheduled(): boolean {
  const g = globalThis as { [BUNDLE_CHECK]?: true };
  if (g[BUNDLE_CHECK] === true) return true;
  g[BUNDLE_CHECK] = true;
  return false;
}

function isPatched(fn: unknown): boolean {
  return typeof fn === 'function' && (fn as { __wrapped?: boolean }).__wrapped === true;
}
