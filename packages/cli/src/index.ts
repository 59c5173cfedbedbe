// Every export here is public API of @mcpmeter/cli.
export { main } from './main.js';
export { parseWrapArgs, runWrap, type WrapArgs } from './wrap.js';
export { parseProxyArgs, runProxy, type ProxyArgs } from './proxy.js';
export type { TelemetryArgs } from './args.js';
export { parseUiArgs, runUi, type UiArgs } from './ui/ui.js';
export {
  DEFAULT_OTLP_PORT,
  DEFAULT_UI_PORT,
  HubListenError,
  startHub,
  type Hub,
  type HubOptions,
} from './ui/hub.js';
export { PACKAGE_NAME, PACKAGE_VERSION } from './version.js';
