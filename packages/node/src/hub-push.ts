import { context, diag } from '@opentelemetry/api';
import { suppressTracing } from '@opentelemetry/core';
import type { MetricReader, ResourceMetrics } from '@opentelemetry/sdk-metrics';
import type { ClientRequest, IncomingMessage } from 'node:http';
import { mergeScopeMetrics } from './scope-merge.js';

/*
 * The live view (issue 19): every process started with register() shows up in a
 * local hub (`mcpmeter ui`) with no configuration of its own. The process finds
 * the hub — the hub never scans — by asking the origin of its OTLP endpoint
 * (where its spans already go, http://localhost:4318 by default) for
 * `GET /mcpmeter/hub`. Only a hub answers that with `{"mcpmeter":"hub"}`; a
 * Collector or Jaeger answers 404 and nothing else happens. Once found, the
 * process pushes its metrics there as OTLP/HTTP JSON, cumulative, every 2 s and
 * once more at flush and shutdown, so a stdio server that lives one second still
 * shows its counts.
 *
 * Why push: stdio copies whose metrics port was taken have no /metrics for a hub
 * to scrape, and pushing needs no port and no per-process configuration.
 *
 * What is pushed is what the Prometheus exposition's reader collects (the same
 * data as /metrics, fast histograms included): a second SDK reader would give
 * every counter and up-down counter a second storage, so every `add()` on the
 * request path would hash its attributes twice, for all users, hub or not.
 *
 * The hub is optional: every outcome is said at debug level only, nothing here
 * throws into the host, and no timer or probe keeps the process alive (the push
 * at flush and shutdown does, for at most PUSH_TIMEOUT_MS, so it arrives).
 */

/** Where a hub answers, relative to the origin of the OTLP endpoint. */
export const HUB_PATH = '/mcpmeter/hub';
const PROBE_EVERY_MS = 5000;
/** A hub elsewhere than on this machine is rare; a fleet's remote collector should not get a probe every 5 s from every process. */
const PROBE_EVERY_REMOTE_MS = 60_000;
const PUSH_EVERY_MS = 2000;
const PROBE_TIMEOUT_MS = 1000;
const PUSH_TIMEOUT_MS = 2000;
/** Serializing is synchronous: with a very large number of series, push less often so it never takes more than 2% of the time. */
const MAX_SERIALIZE_SHARE = 50;
const MAX_PROBE_BODY = 4096;

/** Tests only: shorter intervals, set before register() on `globalThis[HUB_INTERVALS]`. */
export const HUB_INTERVALS = Symbol.for('mcpmeter.node.hub-intervals');
interface Intervals {
  probeMs?: number;
  pushMs?: number;
}

export interface HubPushOptions {
  /** The OTLP/HTTP metrics endpoint; the hub is looked for at its origin. */
  endpoint: string;
  /** Sent with the probe and the pushes (OTEL_EXPORTER_OTLP_HEADERS). */
  headers: Record<string, string>;
}

type Serialize = (metrics: ResourceMetrics) => Uint8Array | undefined;

interface Exchange {
  status: number;
  body: Buffer;
}

/**
 * Finds a hub at the origin of `options.endpoint` and pushes what `reader`
 * collects to it. `reader` must be cumulative (the Prometheus exposition's is);
 * its `forceFlush` and `shutdown` push once more before they run. Never throws.
 */
export function startHubPush(reader: MetricReader, options: HubPushOptions): HubPush | undefined {
  try {
    const hub = new HubPush(reader, options);
    const forceFlush = reader.forceFlush.bind(reader);
    const shutdown = reader.shutdown.bind(reader);
    // The hub never fails a flush or a shutdown of the exposition.
    reader.forceFlush = async (o) => {
      await hub.flush().catch(() => {});
      return forceFlush(o);
    };
    reader.shutdown = async (o) => {
      await hub.stop().catch(() => {});
      return shutdown(o);
    };
    hub.start();
    return hub;
  } catch (err) {
    diag.debug(`mcpmeter: hub push not started: ${String(err)}`);
    return undefined;
  }
}

export class HubPush {
  private state: 'probing' | 'pushing' | 'stopped' = 'probing';
  /** Set by stop(): no more timers, only the last push. */
  private stopping = false;
  private timer: NodeJS.Timeout | undefined;
  /** Every probe and push runs after the one before, so snapshots arrive in order. */
  private queue: Promise<unknown> = Promise.resolve();
  /** The request under way; referenced while a flush waits for it. */
  private active: ClientRequest | undefined;
  private holding = 0;
  private refusedSaid = false;
  private serialize: Promise<Serialize> | undefined;
  private pushEvery: number;
  private readonly probeEvery: number;
  private readonly probeUrl: URL;
  private readonly pushUrl: URL;

  constructor(
    private readonly reader: MetricReader,
    private readonly options: HubPushOptions,
  ) {
    this.pushUrl = new URL(options.endpoint);
    this.probeUrl = new URL(HUB_PATH, this.pushUrl.origin);
    const given = (globalThis as { [HUB_INTERVALS]?: Intervals })[HUB_INTERVALS];
    this.probeEvery =
      given?.probeMs ??
      (isLoopback(this.pushUrl.hostname) ? PROBE_EVERY_MS : PROBE_EVERY_REMOTE_MS);
    this.pushEvery = given?.pushMs ?? PUSH_EVERY_MS;
  }

  /** Probes now, then on its own timers. */
  start(): void {
    void this.tick();
  }

  /** Waits for what is under way, then pushes once if a hub is known. */
  async flush(): Promise<void> {
    if (this.state === 'stopped') return;
    this.holding++;
    this.active?.socket?.ref();
    try {
      await this.run(async () => {
        if (this.state === 'pushing' && !(await this.push())) this.lost();
      });
    } finally {
      this.holding--;
    }
  }

  /** The last push, then nothing more. Idempotent. */
  async stop(): Promise<void> {
    if (this.stopping) return;
    this.stopping = true;
    clearTimeout(this.timer);
    await this.flush();
    this.state = 'stopped';
  }

  private async tick(): Promise<void> {
    if (this.stopping) return;
    try {
      await this.run(async () => {
        if (this.state === 'probing' && (await this.probe())) {
          this.state = 'pushing';
          diag.debug(
            `mcpmeter: a hub (mcpmeter ui) answers at ${this.probeUrl.origin}; pushing metrics to ${this.pushUrl.href} every ${this.pushEvery} ms.`,
          );
        }
        if (this.state === 'pushing' && !(await this.push())) this.lost();
      });
    } catch (err) {
      diag.debug(`mcpmeter: hub push: ${String(err)}`);
    }
    if (this.stopping) return;
    clearTimeout(this.timer);
    this.timer = setTimeout(
      () => void this.tick(),
      this.state === 'pushing' ? this.pushEvery : this.probeEvery,
    );
    this.timer.unref();
  }

  private lost(): void {
    if (this.state !== 'pushing') return;
    this.state = 'probing';
    diag.debug(
      `mcpmeter: the hub at ${this.probeUrl.origin} stopped taking metrics; probing again.`,
    );
  }

  /**
   * A hub that answered the probe but turns the metrics down for good (4xx other than 408/429:
   * a token it wants, a body it cannot read) would leave this process out of the live view
   * with nothing said: said once, on stderr.
   */
  private sayRefused(status: number): void {
    if (this.refusedSaid || status < 400 || status >= 500 || status === 408 || status === 429)
      return;
    this.refusedSaid = true;
    const fix =
      status === 401 || status === 403
        ? "set OTEL_EXPORTER_OTLP_HEADERS=Authorization=Bearer%20<token> to the hub's --auth-token"
        : "see the hub's stderr for why";
    diag.warn(
      `mcpmeter: the mcpmeter ui hub at ${this.probeUrl.origin} refused this process's metrics (HTTP ${status}); ${fix}, or set MCPMETER_HUB=off. The process runs on; it is missing from the live view.`,
    );
  }

  private run(step: () => Promise<void>): Promise<void> {
    const next = this.queue.then(step);
    this.queue = next.catch(() => {});
    return next;
  }

  /** True when a hub answers at the endpoint's origin. */
  private async probe(): Promise<boolean> {
    try {
      const r = await this.exchange('GET', this.probeUrl, undefined, PROBE_TIMEOUT_MS);
      if (r.status !== 200) return false;
      const body = JSON.parse(r.body.toString('utf8')) as { mcpmeter?: unknown } | null;
      return body?.mcpmeter === 'hub';
    } catch {
      // refused, timed out, not JSON: no hub, which is the usual case
      return false;
    }
  }

  /** Collects and posts once; false when the hub did not take it. */
  private async push(): Promise<boolean> {
    try {
      const serialize = await (this.serialize ??= loadSerializer());
      const { resourceMetrics, errors } = await this.reader.collect({
        timeoutMillis: PUSH_TIMEOUT_MS,
      });
      for (const e of errors) diag.debug(`mcpmeter: hub push: collection: ${String(e)}`);
      const started = performance.now();
      const body = serialize(mergeScopeMetrics(resourceMetrics));
      this.pushEvery = Math.max(
        this.pushEvery,
        Math.ceil((performance.now() - started) * MAX_SERIALIZE_SHARE),
      );
      if (body === undefined) return true;
      const r = await this.exchange('POST', this.pushUrl, body, PUSH_TIMEOUT_MS);
      if (r.status >= 200 && r.status < 300) return true;
      diag.debug(`mcpmeter: hub push to ${this.pushUrl.href}: HTTP ${r.status}.`);
      this.sayRefused(r.status);
      return false;
    } catch (err) {
      diag.debug(`mcpmeter: hub push to ${this.pushUrl.href} failed: ${String(err)}`);
      return false;
    }
  }

  private async exchange(
    method: 'GET' | 'POST',
    url: URL,
    body: Uint8Array | undefined,
    timeoutMs: number,
  ): Promise<Exchange> {
    // node:http as the CJS builtin, not an ES import: the ESM facade of a builtin reads every
    // export, and node:http's lazy WebSocket getters then load undici (~4 MiB of peak RSS
    // at start-up, where the first probe runs; issue 20), though only `request` is used.
    const request =
      url.protocol === 'https:'
        ? process.getBuiltinModule('node:https').request
        : process.getBuiltinModule('node:http').request;
    return new Promise<Exchange>((resolve, reject) => {
      const headers: Record<string, string | number> = { ...this.options.headers };
      if (body) {
        headers['content-type'] = 'application/json';
        headers['content-length'] = body.byteLength;
      }
      // Our own requests are not the app's: an HTTP instrumentation must not trace them.
      const req = context.with(suppressTracing(context.active()), () =>
        request(url, { method, headers, agent: false, timeout: timeoutMs }),
      );
      this.active = req;
      req.on('socket', (socket) => {
        if (this.holding === 0) socket.unref();
      });
      req.on('timeout', () => req.destroy(new Error(`no answer within ${timeoutMs} ms`)));
      req.on('error', reject);
      req.on('close', () => {
        if (this.active === req) this.active = undefined;
      });
      req.on('response', (res: IncomingMessage) => {
        const chunks: Buffer[] = [];
        let size = 0;
        res.on('data', (c: Buffer) => {
          size += c.length;
          if (size <= MAX_PROBE_BODY) chunks.push(c);
        });
        res.on('error', reject);
        // cut off before the end: settles nothing if 'end' came first
        res.on('close', () => reject(new Error('connection closed before the answer ended')));
        res.on('end', () => resolve({ status: res.statusCode ?? 0, body: Buffer.concat(chunks) }));
      });
      req.end(body);
    });
  }
}

async function loadSerializer(): Promise<Serialize> {
  // Only once a hub answers: start-up time is part of the product.
  const { JsonMetricsSerializer } = await import('@opentelemetry/otlp-transformer');
  return (metrics) => JsonMetricsSerializer.serializeRequest(metrics);
}

function isLoopback(hostname: string): boolean {
  return hostname === 'localhost' || /^127\./.test(hostname) || hostname === '[::1]';
}
