// Guards the job itself: the suites here must run on Node 24 against SDK 3.x.
import { readFileSync } from 'node:fs';
import { MeterProvider } from '@opentelemetry/sdk-metrics';
import { BasicTracerProvider } from '@opentelemetry/sdk-trace-base';
import { expect, it } from 'vitest';

it('runs on Node 24 with the OpenTelemetry SDK 3.x line', () => {
  expect(process.versions.node.split('.')[0]).toBe('24');
  const version = (name: string) =>
    (
      JSON.parse(
        readFileSync(new URL(`./node_modules/${name}/package.json`, import.meta.url), 'utf8'),
      ) as { version: string }
    ).version;
  expect(version('@opentelemetry/sdk-metrics')).toMatch(/^3\./);
  expect(version('@opentelemetry/sdk-trace')).toMatch(/^3\./);
  expect(version('@opentelemetry/api')).toMatch(/^1\.10\./);
  // the aliases reach the tests: these are the 3.x classes
  expect(new MeterProvider()).toBeDefined();
  expect(BasicTracerProvider.name).toBe('BasicTracerProvider');
  expect(Object.getPrototypeOf(BasicTracerProvider).name).toBe('TracerProvider');
});
