// Writes the settings tables of docs/configuration.md from packages/node/src/settings.ts
// (the one table of every register() option and environment variable):
//   node scripts/gen-config-docs.mjs && pnpm prettier --write docs/configuration.md
// packages/node/test/settings.test.ts fails when the doc and the table differ.
import { readFileSync, writeFileSync } from 'node:fs';
import { registerHooks } from 'node:module';

// The sources import each other as `./x.js` (as tsc wants); Node strips the types of
// the `.ts` files but does not map those specifiers back to them.
registerHooks({
  resolve(specifier, context, next) {
    try {
      return next(specifier, context);
    } catch (err) {
      if (!specifier.startsWith('.') || !specifier.endsWith('.js')) throw err;
      return next(`${specifier.slice(0, -3)}.ts`, context);
    }
  },
});
const { instrumentationTable, settingsTable } = await import('../packages/node/src/settings.ts');

const file = new URL('../docs/configuration.md', import.meta.url);
let doc = readFileSync(file, 'utf8');
for (const [name, table] of [
  ['settings', settingsTable()],
  ['instrumentation-options', instrumentationTable()],
]) {
  const re = new RegExp(`(<!-- ${name}:begin[^>]*-->\\n)[\\s\\S]*?(<!-- ${name}:end -->)`);
  if (!re.test(doc)) throw new Error(`docs/configuration.md has no ${name}:begin/end markers`);
  doc = doc.replace(re, `$1\n${table}\n\n$2`);
}
writeFileSync(file, doc);
