// probe: register-esm.ts replicated with options (iitm hooks in-thread, preload, register)
// import-in-the-middle is a dependency of @mcpmeter/node, not of bench: resolved from there
const IITM = new URL('../../packages/node/node_modules/import-in-the-middle/', import.meta.url);
const { createAddHookMessageChannel } = await import(new URL('index.js', IITM).href);
export async function setup(opts = {}, after) {
  if (opts.noHooks) {
    const { register } = await import('@mcpmeter/node');
    after?.(register(opts.register ?? {}));
    return;
  }
  const { registerOptions, waitForAllMessagesAcknowledged } = createAddHookMessageChannel();
  if (!opts.noHooks) {
    const syncHooks = await import(new URL('register-hooks.mjs', IITM).href);
    syncHooks.register(registerOptions.data);
  }
  const { register } = await import('@mcpmeter/node');
  const h = register(opts.register ?? {});
  after?.(h);
  await waitForAllMessagesAcknowledged();
}
