// logs every resolve/load the in-thread module hooks see, with the time since start
import { registerHooks } from 'node:module';
import { appendFileSync } from 'node:fs';
const t0 = performance.now();
const log = (s) =>
  appendFileSync(
    `/tmp/ig-hooks-${process.pid}.log`,
    `${(performance.now() - t0).toFixed(0)} ${s}\n`,
  );
registerHooks({
  resolve(specifier, context, next) {
    log(`resolve ${specifier}`);
    return next(specifier, context);
  },
  load(url, context, next) {
    log(`load ${url}`);
    return next(url, context);
  },
});
