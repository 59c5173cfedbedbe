import type { Attributes } from '@opentelemetry/api';
import {
  defaultResource,
  detectResources,
  envDetector,
  resourceFromAttributes,
  type Resource,
} from '@opentelemetry/resources';
import { randomUUID } from 'node:crypto';
import { arch, hostname } from 'node:os';
import type { ResolvedConfig } from './config.js';

/**
 * SDK defaults < host < OTEL_RESOURCE_ATTRIBUTES / OTEL_SERVICE_NAME < options.
 *
 * Host attributes are set here rather than by the host detector, whose async
 * `host.id` lookup would race the first scrape. The process detector is left out on purpose: it records the full command line
 * (`process.command_args`), which often carries tokens, and it would become a
 * label of `target_info` on every scrape.
 *
 * `service.instance.id` is a random UUID per process unless the user set one, as
 * the semantic conventions recommend: it tells apart the copies of one stdio server
 * (each host spawns its own), and it is a process's identity in `mcpmeter ui`. On
 * `target_info` it changes with every start, as `process.pid` already does.
 */
export function buildResource(config: ResolvedConfig, extra: Attributes | undefined): Resource {
  const fromOptions: Attributes = { ...extra };
  if (config.serviceName) fromOptions['service.name'] = config.serviceName;
  if (config.serviceVersion) fromOptions['service.version'] = config.serviceVersion;

  let resource = defaultResource()
    .merge(
      resourceFromAttributes({
        'service.instance.id': randomUUID(),
        'host.name': hostname(),
        'host.arch': arch() === 'x64' ? 'amd64' : arch(),
        'process.pid': process.pid,
        'process.runtime.name': 'nodejs',
        'process.runtime.version': process.versions.node,
      }),
    )
    .merge(detectResources({ detectors: [envDetector] }));
  if (resource.attributes['service.version'] === undefined && process.env.npm_package_version) {
    resource = resource.merge(
      resourceFromAttributes({ 'service.version': process.env.npm_package_version }),
    );
  }
  return resource.merge(resourceFromAttributes(fromOptions));
}
