// Guards the job itself: the suites here must run on the oldest supported Node
// (22.15) against a user's own SDK 2.x and @opentelemetry/api 1.9.
import { readFileSync } from 'node:fs';
import { MeterProvider } from '@opentelemetry/sdk-metrics';
import { TracerProvider } from '@opentelemetry/sdk-trace';
import { expect, it } from 'vitest';

it('runs on Node 22.15 with the OpenTelemetry SDK 2.x line and api 1.9', () => {
  expect(process.versions.node).toBe('22.15.0');
  const version = (name: string) =>
    (
      JSON.parse(
        readFileSync(new URL(`./node_modules/${name}/package.json`, import.meta.url), 'utf8'),
      ) as { version: string }
    ).version;
  expect(version('@opentelemetry/sdk-metrics')).toMatch(/^2\./);
  expect(version('@opentelemetry/sdk-trace-base')).toMatch(/^2\./);
  expect(version('@opentelemetry/api')).toMatch(/^1\.9\./);
  // the aliases reach the tests: these are the 2.x classes
  expect(new MeterProvider()).toBeDefined();
  expect(Object.getPrototypeOf(TracerProvider).name).toBe('BasicTracerProvider');
});
