// same as @mcpmeter/node/register (without the preload), via this file
import { setup } from './imp-common.mjs';
await setup();
