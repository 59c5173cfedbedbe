export const PACKAGE_NAME = '@mcpmeter/instrumentation-llm';
export const PACKAGE_VERSION = '0.1.0';
