#!/usr/bin/env node
import { main } from './main.js';

void main(process.argv.slice(2)).then((status) => {
  // stdin may still be open (wrap): the server is done, so is mcpmeter.
  process.exit(status);
});
