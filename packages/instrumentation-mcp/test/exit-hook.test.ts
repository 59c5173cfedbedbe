/*
 * An app whose exit hook calls process.exit() (exit-hook 5, as Mastra uses it)
 * killed with SIGTERM: the spans the batch processor still held must reach the
 * collector through the synchronous last-chance export of @mcpmeter/node.
 * Needs `pnpm build` (dist of node and this package).
 */
import { fileURLToPath } from 'node:url';
import { afterEach, describe, expect, it } from 'vitest';
import { freePort } from '../../../test-utils/prometheus.js';
import { startNode, type Child } from '../../../test-utils/process.js';
import { startOtlpReceiver, type OtlpReceiver } from '../../../test-utils/otlp-receiver.js';

const here = (f: string) => fileURLToPath(new URL(f, import.meta.url));
const pkgDir = fileURLToPath(new URL('..', import.meta.url));

let child: Child | undefined;
let receiver: OtlpReceiver | undefined;
afterEach(async () => {
  await child?.kill('SIGKILL');
  await receiver?.close();
  child = receiver = undefined;
});

describe('exit-hook calling process.exit(143) on SIGTERM', () => {
  it('still exports the spans recorded before it', async () => {
    receiver = await startOtlpReceiver();
    child = startNode(
      ['--import', '@mcpmeter/node/register', here('./frameworks/exit-hook-app.mjs')],
      {
        cwd: pkgDir,
        env: {
          PATH: process.env.PATH ?? '',
          OTEL_EXPORTER_PROMETHEUS_HOST: '127.0.0.1',
          OTEL_EXPORTER_PROMETHEUS_PORT: String(await freePort()),
          OTEL_TRACES_EXPORTER: 'otlp',
          OTEL_EXPORTER_OTLP_PROTOCOL: 'http/protobuf',
          OTEL_EXPORTER_OTLP_ENDPOINT: receiver.url,
          // The batch would otherwise go out on its 5 s timer: keep it queued.
          OTEL_BSP_SCHEDULE_DELAY: '60000',
        },
      },
    );
    await child.waitFor(/ready/);
    expect(receiver.spans).toHaveLength(0);
    const { code } = await child.kill('SIGTERM');
    expect(code).toBe(143);
    expect(child.stderr()).toContain('exit hook ran');
    const calls = receiver.spans.filter((s) => s.name === 'tools/call fast');
    expect(calls.filter((s) => s.kind === 2)).toHaveLength(3);
    expect(calls.filter((s) => s.kind === 3)).toHaveLength(3);
    expect(receiver.contentTypes).toContain('application/json');
    expect(child.stdout()).toBe('');
  });
});
