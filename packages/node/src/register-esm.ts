/*
 * `node --import @mcpmeter/node/register app.mjs`: configures everything from the
 * environment before the app's first import.
 *
 * The import-in-the-middle loader is registered in "only hooked modules" mode, so
 * ESM modules other than the instrumented libraries are loaded untouched.
 */
import { createAddHookMessageChannel } from 'import-in-the-middle';
import { register as registerLoader } from 'node:module';
import { register } from './sdk.js';

const { registerOptions, waitForAllMessagesAcknowledged } = createAddHookMessageChannel();
registerLoader('import-in-the-middle/hook.mjs', import.meta.url, registerOptions);
register();
await waitForAllMessagesAcknowledged();
