import {
  InstrumentationBase,
  InstrumentationNodeModuleDefinition,
  isWrapped,
} from '@opentelemetry/instrumentation';
import { wrapCreate } from './sdk.js';
import { LLM_SDKS, nameUnseenSdk } from './wire/presence.js';
import { startWireCapture, visibleTransports } from './wire/start.js';
import { LlmTelemetry } from './telemetry.js';
import { ANTHROPIC_TARGETS, OPENAI_TARGETS, targetPrototype, type Target } from './targets.js';
import type { LlmInstrumentationConfig } from './types.js';
import { PACKAGE_NAME, PACKAGE_VERSION } from './version.js';

/** Versions patched: openai 5–7 and @anthropic-ai/sdk 0.50+ / 1.x share the Stainless client layout. */
const OPENAI_VERSIONS = ['>=5.0.0 <8'];
const ANTHROPIC_VERSIONS = ['>=0.50.0 <2'];

type Proto = Record<string, unknown>;

/**
 * Zero-code instrumentation of `openai` and `@anthropic-ai/sdk`, under CJS
 * (require-in-the-middle) and ESM (import-in-the-middle, registered by
 * `@mcpmeter/node`). Patches the `create` method of the resource classes;
 * no client has to be touched.
 *
 * @example
 * registerInstrumentations({ instrumentations: [new LlmInstrumentation({ captureContent: false })] });
 */
export class LlmInstrumentation extends InstrumentationBase<LlmInstrumentationConfig> {
  private telemetry: LlmTelemetry | undefined;
  // `declare`: the base constructor calls enable() before field initializers would run.
  declare private stopWire: (() => void) | undefined;

  constructor(config: LlmInstrumentationConfig = {}) {
    super(PACKAGE_NAME, PACKAGE_VERSION, config);
  }

  override setConfig(config: LlmInstrumentationConfig = {}): void {
    super.setConfig(config);
    this.telemetry = undefined; // rebuilt with the new options on next use
    if (this.stopWire !== undefined) {
      this.stopWire();
      this.stopWire = undefined;
      this.startWire();
    }
  }

  override enable(): void {
    super.enable();
    this.startWire();
  }

  override disable(): void {
    super.disable();
    this.stopWire?.();
    this.stopWire = undefined;
  }

  private wireWanted(): boolean {
    const option = this.getConfig().captureWire;
    return option ?? process.env.MCPMETER_LLM_WIRE !== 'false';
  }

  private startWire(): void {
    if (this.stopWire !== undefined || !this.wireWanted()) return;
    try {
      this.stopWire = startWireCapture(() => this.llm, this.getConfig().endpoints);
    } catch (err) {
      this._diag.error(`mcpmeter: LLM wire capture could not start: ${String(err)}`);
    }
  }

  protected override _updateMetricInstruments(): void {
    this.telemetry?.setMeter(this.meter);
  }

  /** The shared state, built on first use: the base class calls hooks before our fields exist. */
  private get llm(): LlmTelemetry {
    if (this.telemetry === undefined) {
      this.telemetry = new LlmTelemetry(this.getConfig(), () => this.tracer, this.meter);
    }
    return this.telemetry;
  }

  protected init(): InstrumentationNodeModuleDefinition[] {
    return [...this.sdkPatches(), ...this.unseenSdkChecks()];
  }

  /**
   * SDKs whose transport the wire capture cannot see here (an older Node, or
   * captureWire off) are named once when loaded; nothing of theirs is patched.
   */
  private unseenSdkChecks(): InstrumentationNodeModuleDefinition[] {
    const wire = this.wireWanted();
    const visible = wire ? visibleTransports() : new Set<string>();
    return LLM_SDKS.filter((sdk) => !visible.has(sdk.transport)).map(
      (sdk) =>
        new InstrumentationNodeModuleDefinition(sdk.name, ['*'], (exports: unknown) => {
          nameUnseenSdk(
            sdk.name,
            sdk.transport,
            wire
              ? `Node ${process.version} does not publish ${sdk.transport} bodies on diagnostics channels (Node >= 24.1 does); pass instrumentFetch() as its fetch, or upgrade Node`
              : 'wire capture is off (captureWire: false or MCPMETER_LLM_WIRE=false)',
          );
          return exports;
        }),
    );
  }

  private sdkPatches(): InstrumentationNodeModuleDefinition[] {
    return [
      new InstrumentationNodeModuleDefinition(
        'openai',
        OPENAI_VERSIONS,
        (exports: unknown) => this.patchAll(exports, 'OpenAI', OPENAI_TARGETS),
        (exports: unknown) => this.unpatchAll(exports, 'OpenAI', OPENAI_TARGETS),
      ),
      new InstrumentationNodeModuleDefinition(
        '@anthropic-ai/sdk',
        ANTHROPIC_VERSIONS,
        (exports: unknown) => this.patchAll(exports, 'Anthropic', ANTHROPIC_TARGETS),
        (exports: unknown) => this.unpatchAll(exports, 'Anthropic', ANTHROPIC_TARGETS),
      ),
    ];
  }

  private prototypes(
    exports: unknown,
    className: string,
    targets: readonly Target[],
  ): [Proto, Target][] {
    const e = exports as Record<string, unknown> | undefined;
    const cls = e?.[className] ?? e?.default;
    const out: [Proto, Target][] = [];
    for (const t of targets) {
      const proto = targetPrototype(cls, t);
      if (proto !== undefined) out.push([proto, t]);
    }
    if (out.length === 0)
      this._diag.warn(
        `cannot find the ${className} resources to patch; calls will not be recorded`,
      );
    return out;
  }

  private patchAll(exports: unknown, className: string, targets: readonly Target[]): unknown {
    for (const [proto, target] of this.prototypes(exports, className, targets)) {
      if (isWrapped(proto.create)) this._unwrap(proto, 'create');
      this._wrap(proto, 'create', (original: unknown) => {
        // Resolve the telemetry per call so setConfig / setMeterProvider take effect.
        const current = (): LlmTelemetry => this.llm;
        const orig = original as (this: unknown, ...args: unknown[]) => unknown;
        let built: LlmTelemetry | undefined;
        let wrapped: ((this: unknown, ...args: unknown[]) => unknown) | undefined;
        return function (this: unknown, ...args: unknown[]): unknown {
          const llm = current();
          if (wrapped === undefined || built !== llm) {
            built = llm;
            wrapped = wrapCreate(llm, orig, target.call);
          }
          return wrapped.apply(this, args);
        };
      });
    }
    return exports;
  }

  private unpatchAll(exports: unknown, className: string, targets: readonly Target[]): void {
    for (const [proto] of this.prototypes(exports, className, targets)) {
      if (isWrapped(proto.create)) this._unwrap(proto, 'create');
    }
  }
}
