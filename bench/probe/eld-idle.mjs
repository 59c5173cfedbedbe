// CPU per second of an idle process with monitorEventLoopDelay at a given resolution (0: none)
import { monitorEventLoopDelay } from 'node:perf_hooks';
import { createServer } from 'node:http';
const R = Number(process.argv[2]);
if (R > 0) monitorEventLoopDelay({ resolution: R }).enable();
createServer().listen(0, '127.0.0.1');
setTimeout(() => {
  const a = process.cpuUsage();
  setTimeout(() => {
    const b = process.cpuUsage(a);
    console.log(
      `resolution ${R} ms: ${((b.user + b.system) / 10 / 1000).toFixed(2)} ms CPU per s idle`,
    );
    process.exit(0);
  }, 10000);
}, 500);
