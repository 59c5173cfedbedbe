/** Instrumentation scope version of the meters this package creates; test/dist.test.ts keeps it equal to package.json. */
export const PACKAGE_VERSION = '0.1.0';
