/* --help text matches docs/wrap.md; the documented host configuration is what the tests run. */
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { MAIN_HELP } from '../src/main.js';
import { PROXY_HELP } from '../src/proxy.js';
import { WRAP_HELP } from '../src/wrap.js';
import { ROOT } from './helpers.js';

const doc = readFileSync(`${ROOT}/docs/wrap.md`, 'utf8');

describe('docs/wrap.md', () => {
  it('shows the --help text of wrap and proxy verbatim', () => {
    expect(doc).toContain('```text\n' + WRAP_HELP + '```');
    expect(doc).toContain('```text\n' + PROXY_HELP + '```');
    expect(MAIN_HELP).toMatch(/wrap \[options\] -- <command>/);
  });

  it('gives the host configuration of the issue', () => {
    expect(doc).toContain(
      '"args": ["-y", "@mcpmeter/cli", "wrap", "--", "uvx", "some-python-server"]',
    );
  });

  it('is linked from the README', () => {
    const readme = readFileSync(`${ROOT}/README.md`, 'utf8');
    expect(readme).toContain('(docs/wrap.md)');
    expect(readme).toContain('[`@mcpmeter/cli`](packages/cli)');
  });
});
