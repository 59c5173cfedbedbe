/*
 * `node --import @mcpmeter/node/register app.mjs`: configures everything from the
 * environment before the app's first import.
 *
 * The import-in-the-middle loader is registered in "only hooked modules" mode, so
 * ESM modules other than the instrumented libraries are loaded untouched. Where
 * Node runs its synchronous hooks correctly (22.22.3+, 24.11.1+), the loader runs
 * in-thread (`module.registerHooks`): the off-thread loader of `module.register`
 * costs a worker thread, ~25 MiB of RSS and ~100 ms of CPU at start-up (issue 20).
 * The instrumentations' Hook() calls reach either loader over the same channel.
 */
import { createAddHookMessageChannel } from 'import-in-the-middle';
import { register as registerLoader } from 'node:module';
import { inertReason } from './inert.js';
import { preloadOptionalInstrumentations } from './instrumentations.js';
import { register } from './sdk.js';

if (inertReason()) {
  // An unsupported Node.js (said once) or a package manager's own CLI: no loader hooks.
  register();
} else {
  const { registerOptions, waitForAllMessagesAcknowledged } = createAddHookMessageChannel();
  const syncHooks = await import('import-in-the-middle/register-hooks.mjs');
  if (syncHooks.supportsSyncHooks()) {
    // The options carry the channel's port: Hook() calls extend the include list.
    syncHooks.register(registerOptions.data as Parameters<typeof syncHooks.register>[0]);
  } else {
    registerLoader('import-in-the-middle/hook.mjs', import.meta.url, registerOptions);
  }
  await preloadOptionalInstrumentations();
  register();
  await waitForAllMessagesAcknowledged();
}
