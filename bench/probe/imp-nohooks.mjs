// register() under --import without any loader hooks (zero-code ESM patch cannot fire)
import { setup } from './imp-common.mjs';
await setup({ noHooks: true });
