#!/usr/bin/env node
/* `mcpmeter-mixin`: prints rules and dashboards with the user's thresholds. */
import { parseArgs, USAGE } from './cli-args.js';
import { MixinConfigError, type PartialMixinConfig } from './config.js';
import {
  DASHBOARD_NAMES,
  dashboardJson,
  dashboards,
  type DashboardName,
} from './dashboards/index.js';
import { writeMixin } from './generate.js';
import { prometheusRuleYaml } from './prometheus-rule.js';
import { alertRules, recordingRules, ruleFileYaml } from './rules.js';
import { openSloYaml, slothSpecYaml } from './slo-specs.js';

function main(argv: string[]): number {
  const cmd = parseArgs(argv);
  const config = cmd.config as PartialMixinConfig;
  switch (cmd.command) {
    case 'help':
      process.stdout.write(USAGE);
      return 0;
    case 'rules':
      process.stdout.write(ruleFileYaml(recordingRules(config)));
      return 0;
    case 'alerts':
      process.stdout.write(ruleFileYaml(alertRules(config)));
      return 0;
    case 'prometheus-rule':
      process.stdout.write(prometheusRuleYaml(config));
      return 0;
    case 'sloth':
      process.stdout.write(slothSpecYaml(config));
      return 0;
    case 'openslo':
      process.stdout.write(openSloYaml(config));
      return 0;
    case 'dashboard': {
      const name = cmd.dashboard as DashboardName;
      if (!DASHBOARD_NAMES.includes(name)) {
        throw new MixinConfigError(
          `mcpmeter-mixin: unknown dashboard "${cmd.dashboard}"; choose one of ${DASHBOARD_NAMES.join(', ')}`,
        );
      }
      process.stdout.write(dashboardJson(dashboards(config)[name]));
      return 0;
    }
    case 'generate':
      for (const file of writeMixin(cmd.out!, config)) process.stderr.write(`wrote ${file}\n`);
      return 0;
  }
}

try {
  process.exitCode = main(process.argv.slice(2));
} catch (err) {
  if (err instanceof MixinConfigError) {
    process.stderr.write(`${err.message}\n`);
    process.exitCode = 2;
  } else {
    throw err;
  }
}
