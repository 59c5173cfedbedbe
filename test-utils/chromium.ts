/*
 * Real headless Chromium for page tests: Debian's `chromium` (scripts/bootstrap.sh
 * --for-tests installs it), driven through playwright-core — no browser download.
 * Flags for a container where the tests run as root: no sandbox (Chromium refuses
 * to start one as root), /tmp instead of a small /dev/shm, no GPU.
 */
import { execFileSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { chromium, type Browser } from 'playwright-core';

/** The Chromium binary: CHROMIUM_BIN, /usr/bin/chromium, or `chromium` on PATH. */
export function chromiumPath(): string {
  if (process.env.CHROMIUM_BIN) return process.env.CHROMIUM_BIN;
  if (existsSync('/usr/bin/chromium')) return '/usr/bin/chromium';
  try {
    return execFileSync('which', ['chromium'], { encoding: 'utf8' }).trim();
  } catch {
    throw new Error(
      'no chromium: install the Debian package (apt-get install chromium, or bash scripts/bootstrap.sh --for-tests) or set CHROMIUM_BIN',
    );
  }
}

export const CHROMIUM_ARGS = [
  '--no-sandbox',
  '--disable-setuid-sandbox',
  '--disable-dev-shm-usage',
  '--disable-gpu',
  '--no-first-run',
  '--no-default-browser-check',
  '--disable-extensions',
  '--disable-background-networking',
  '--disable-component-update',
  '--hide-scrollbars',
  '--mute-audio',
];

export function launchChromium(): Promise<Browser> {
  return chromium.launch({
    executablePath: chromiumPath(),
    headless: true,
    args: CHROMIUM_ARGS,
    // the browser takes a few seconds to start on a loaded 2-core machine
    timeout: 60_000,
  });
}
