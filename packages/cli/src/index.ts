// Every export here is public API of @mcpmeter/cli.
export { main } from './main.js';
export { parseWrapArgs, runWrap, type WrapArgs } from './wrap.js';
export { parseProxyArgs, runProxy, type ProxyArgs } from './proxy.js';
export type { TelemetryArgs } from './args.js';
export { PACKAGE_NAME, PACKAGE_VERSION } from './version.js';
