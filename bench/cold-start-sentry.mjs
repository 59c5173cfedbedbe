// `--import` file of the Sentry row of bench/cold-start.mjs, as Sentry's ESM guide has it
// (docs.sentry.io, "ESM (MJS)": an instrument.mjs calling Sentry.init, loaded with
// `node --import ./instrument.mjs app.mjs`). The DSN points at the bench's local sink.
import * as Sentry from '@sentry/node';

Sentry.init({ dsn: process.env.BENCH_SENTRY_DSN, tracesSampleRate: 1.0 });
