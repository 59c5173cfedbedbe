/*
 * `node --import @mcpmeter/node/register app.mjs`: configures everything from the
 * environment before the app's first import.
 *
 * The import-in-the-middle loader is registered in "only hooked modules" mode, so
 * ESM modules other than the instrumented libraries are loaded untouched.
 */
import { createAddHookMessageChannel } from 'import-in-the-middle';
import { register as registerLoader } from 'node:module';
import { inertReason } from './inert.js';
import { register } from './sdk.js';

if (inertReason()) {
  // An unsupported Node.js (said once) or a package manager's own CLI: no loader hooks.
  register();
} else {
  const { registerOptions, waitForAllMessagesAcknowledged } = createAddHookMessageChannel();
  registerLoader('import-in-the-middle/hook.mjs', import.meta.url, registerOptions);
  register();
  await waitForAllMessagesAcknowledged();
}
