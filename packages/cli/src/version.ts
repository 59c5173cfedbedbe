/** Instrumentation scope name: tracer and meter names of this package. */
export const PACKAGE_NAME = '@mcpmeter/cli';
/** Kept in step with package.json by the release process. */
export const PACKAGE_VERSION = '0.1.0';
