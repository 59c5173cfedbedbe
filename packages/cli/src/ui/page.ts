/*
 * The live page of `mcpmeter ui`, served at `GET /` by the hub: one self-contained HTML document (inline CSS and
 * vanilla JS, nothing from the network, no build step). It reads the hub's JSON API (see docs/ui.md).
 * The data-testid / data-* attributes are a contract with the end-to-end test: add, never rename.
 */
import { createHash } from 'node:crypto';
import { PAGE_SCRIPT } from './page-script.js';
import { PAGE_STYLE } from './page-style.js';

const sha256 = (text: string): string =>
  `'sha256-${createHash('sha256').update(text).digest('base64')}'`;

// Defence in depth behind the page's own escaping: only this exact script and stylesheet run, the page talks
// only to its own origin, and nothing (no image, no frame, no form) loads from anywhere else.
const CSP = [
  "default-src 'none'",
  `script-src ${sha256(PAGE_SCRIPT)}`,
  `style-src ${sha256(PAGE_STYLE)}`,
  "connect-src 'self'",
  'img-src data:',
  "base-uri 'none'",
  "form-action 'none'",
].join('; ');

export const PAGE_HTML = `<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<meta http-equiv="Content-Security-Policy" content="${CSP}">
<meta name="referrer" content="no-referrer">
<title>mcpmeter · live</title>
<link rel="icon" href="data:,">
<style>${PAGE_STYLE}</style>
</head>
<body>
<header class="top">
<a class="brand" href="#/">mcpmeter <span>live</span></a>
<span class="grow"></span>
<input id="filter" data-testid="filter" type="search" placeholder="Filter tools and traces" aria-label="Filter tools and traces (shortcut: /)" autocomplete="off" spellcheck="false">
<kbd title="press / to filter">/</kbd>
<span id="status" data-testid="hub-status" data-state="connecting" role="status" aria-live="polite">connecting…</span>
</header>
<main id="main" tabindex="-1"><p class="muted">Connecting to the hub…</p></main>
<footer id="foot"></footer>
<script>${PAGE_SCRIPT}</script>
</body>
</html>
`;
