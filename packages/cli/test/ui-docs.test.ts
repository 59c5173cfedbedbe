/* docs/ui.md's hub section matches the command's help and the store's limits. */
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { DEFAULT_OTLP_PORT, DEFAULT_UI_PORT } from '../src/ui/hub.js';
import {
  MAX_BODY_BYTES,
  MAX_IN_FLIGHT_BYTES,
  MAX_PROCESSES,
  MAX_SPANS,
  MAX_SPANS_PER_TRACE,
  MAX_STREAMS_PER_PROCESS,
  MAX_TRACES,
  SNAPSHOTS_KEPT,
} from '../src/ui/store.js';
import { UI_HELP } from '../src/ui/ui.js';
import { ROOT } from './helpers.js';

const doc = readFileSync(`${ROOT}/docs/ui.md`, 'utf8');
const hub = doc.slice(doc.indexOf('## Hub'));
const row = (name: string) => hub.split('\n').find((l) => l.startsWith(`| ${name} `)) ?? '';

describe('docs/ui.md, ## Hub', () => {
  it('shows the --help text of ui verbatim', () => {
    expect(hub).toContain('```text\n' + UI_HELP + '```');
    expect(UI_HELP).toContain(`(default: ${DEFAULT_UI_PORT})`);
    expect(UI_HELP).toContain(`(default: ${DEFAULT_OTLP_PORT})`);
  });

  it('states the limits the store has', () => {
    const n = (v: number) => v.toLocaleString('en-US');
    expect(row('processes')).toContain(`| ${n(MAX_PROCESSES)} `);
    expect(row('spans, all traces together')).toContain(`| ${n(MAX_SPANS)} `);
    expect(row('traces')).toContain(`| ${n(MAX_TRACES)} `);
    expect(row('spans in one trace')).toContain(`| ${n(MAX_SPANS_PER_TRACE)} `);
    expect(row('metric streams per process')).toContain(`| ${n(MAX_STREAMS_PER_PROCESS)} `);
    expect(row('snapshots per stream')).toContain(`| ${SNAPSHOTS_KEPT} `);
    expect(row('request body')).toContain(`| ${MAX_BODY_BYTES / 2 ** 20} MiB `);
    expect(row('bodies being read at once')).toContain(`| ${MAX_IN_FLIGHT_BYTES / 2 ** 20} MiB `);
  });

  it('is linked from the cli README', () => {
    const readme = readFileSync(`${ROOT}/packages/cli/README.md`, 'utf8');
    expect(readme).toContain('(../../docs/ui.md#hub)');
  });
});
