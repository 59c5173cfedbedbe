// `node --import ./mcp-http-sentry.mjs` for bench/mcp-http.mjs: @sentry/node set up as its
// docs' ESM quick start says (an instrument file imported before the app), every
// transaction sampled, events to the DSN of the bench's local sink (BENCH_SENTRY_DSN).
import * as Sentry from '@sentry/node';

Sentry.init({ dsn: process.env.BENCH_SENTRY_DSN, tracesSampleRate: 1.0 });
