/* Writes every rule file and dashboard into a directory (the committed `generated/` folder). */
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import type { PartialMixinConfig } from './config.js';
import { dashboardJson, dashboards } from './dashboards/index.js';
import { alertRules, recordingRules, ruleFileYaml } from './rules.js';

/** The files of the mixin, path relative to the output directory → content. */
export function mixinFiles(config: PartialMixinConfig = {}): Record<string, string> {
  const files: Record<string, string> = {
    'rules.yml': ruleFileYaml(recordingRules(config)),
    'alerts.yml': ruleFileYaml(alertRules(config)),
  };
  for (const [name, d] of Object.entries(dashboards(config)))
    files[`dashboards/${name}.json`] = dashboardJson(d);
  return files;
}

/** Writes `mixinFiles(config)` under `dir`; returns the paths written. */
export function writeMixin(dir: string, config: PartialMixinConfig = {}): string[] {
  const written: string[] = [];
  for (const [rel, content] of Object.entries(mixinFiles(config))) {
    const file = join(dir, rel);
    mkdirSync(join(file, '..'), { recursive: true });
    writeFileSync(file, content);
    written.push(file);
  }
  return written;
}
