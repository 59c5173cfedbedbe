import type { Tracer } from '@opentelemetry/api';
import {
  InstrumentationBase,
  InstrumentationNodeModuleDefinition,
  InstrumentationNodeModuleFile,
} from '@opentelemetry/instrumentation';
import { describeError } from '@mcpmeter/core';
import { resolveContentCapture, type ContentCapture } from './content.js';
import { ServerInstruments } from './server/instruments.js';
import { isMcpServer } from './server/instrument-server.js';
import { instrumentMcp, instrumentProtocol } from './server/patch.js';
import type { TelemetrySource } from './server/source.js';
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

const SDK1 = ['>=1.0.0 <2'];
const SDK2 = ['>=2.0.0-0 <3'];

/**
 * Zero-code instrumentation of MCP servers: patches `Server.prototype.connect`
 * and `McpServer.prototype.connect` of `@modelcontextprotocol/sdk` 1.x (its CJS
 * and ESM builds) and of `@modelcontextprotocol/server` 2.x, so every server
 * is instrumented (as by `instrumentMcpServer`) when it connects.
 *
 * @example
 * registerInstrumentations({ instrumentations: [new McpInstrumentation()] });
 */
export class McpInstrumentation extends InstrumentationBase<McpInstrumentationConfig> {
  // `declare`: the base constructor calls setConfig/enable/_updateMetricInstruments
  // before subclass fields would be initialised, and must not be overwritten.
  declare private instruments: ServerInstruments | undefined;
  declare private content: ContentCapture;
  declare private active: boolean;
  private readonly source: TelemetrySource;

  constructor(config: McpInstrumentationConfig = {}) {
    super(PACKAGE_NAME, PACKAGE_VERSION, config);
    this.content = resolveContentCapture(config);
    // Servers instrumented earlier follow enable/disable and provider changes.
    this.source = Object.defineProperties({} as TelemetrySource, {
      enabled: { get: () => this.active === true },
      tracer: { get: (): Tracer => this.tracer },
      instruments: { get: () => (this.instruments ??= ServerInstruments.for(this.meter)) },
      content: { get: () => this.content },
      toolNames: { get: () => this.getConfig().toolNames ?? [] },
    });
  }

  override setConfig(config: McpInstrumentationConfig = {}): void {
    super.setConfig(config);
    this.content = resolveContentCapture(config);
  }

  protected override _updateMetricInstruments(): void {
    this.instruments = ServerInstruments.for(this.meter);
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
    ];
    return [
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
  }

  override disable(): void {
    this.active = false;
    super.disable();
  }

  private patchClass<T>(exports: T, cls: ClassExport | undefined, isMcp: boolean): T {
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
        if (source.enabled) {
          try {
            if (isMcp && isMcpServer(this)) instrumentMcp(this, source);
            else if (!isMcp) instrumentProtocol(this, source);
          } catch (err) {
            diag.error(`could not instrument an MCP server: ${describeError(err)}`);
          }
        }
        return connect.apply(this, args);
      };
    });
    return exports;
  }

  private unpatchClass(cls: ClassExport | undefined): void {
    const proto = cls?.prototype;
    if (proto !== undefined && isPatched(proto.connect)) this._unwrap(proto, 'connect');
  }
}

function isPatched(fn: unknown): boolean {
  return typeof fn === 'function' && (fn as { __wrapped?: boolean }).__wrapped === true;
}
