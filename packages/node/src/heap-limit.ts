import type { MeterProvider } from '@opentelemetry/api';
import { getHeapStatistics } from 'node:v8';

/**
 * `v8js.memory.heap.limit` (semconv name; the runtime-node instrumentation does
 * not emit it yet): the heap size at which V8 throws "JavaScript heap out of
 * memory". With `v8js.memory.heap.used` it turns a heap alert into a ratio of the
 * process's real limit instead of a guessed constant.
 */
export function observeHeapLimit(meterProvider: MeterProvider, version: string): void {
  meterProvider
    .getMeter('@mcpmeter/node', version)
    .createObservableGauge('v8js.memory.heap.limit', {
      unit: 'By',
      description: 'Heap size limit of the V8 isolate (heap_size_limit).',
    })
    .addCallback((result) => result.observe(getHeapStatistics().heap_size_limit));
}
