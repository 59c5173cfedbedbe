// counts startSpan calls on the API's ProxyTracer / NoopTracer (ESM and CJS copies); said on exit
import { createRequire } from 'node:module';
const api = await import('@opentelemetry/api');
const cjs = createRequire(import.meta.url)('@opentelemetry/api');
const counts = {};
const wrap = (label, proto) => {
  const orig = proto.startSpan;
  proto.startSpan = function (...a) {
    counts[label] = (counts[label] ?? 0) + 1;
    return orig.apply(this, a);
  };
};
const noopOf = (m) =>
  Object.getPrototypeOf(new m.ProxyTracerProvider().getDelegate().getTracer('x'));
wrap('esm ProxyTracer', api.ProxyTracer.prototype);
wrap('cjs ProxyTracer', cjs.ProxyTracer.prototype);
wrap('esm NoopTracer', noopOf(api));
if (noopOf(cjs) !== noopOf(api)) wrap('cjs NoopTracer', noopOf(cjs));
process.on('exit', () => process.stderr.write(`startSpan calls: ${JSON.stringify(counts)}\n`));
