/*
 * `node --require @mcpmeter/node/register app.cjs`: configures everything from the
 * environment before the app's first require. (For ESM apps use `--import`.)
 */
import { register } from './sdk.js';

register();
