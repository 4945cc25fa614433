import { existsSync, readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import * as k8s from '@pulumi/kubernetes';
import * as pulumi from '@pulumi/pulumi';
import { parse } from 'yaml';

export interface AlertRuleGroup {
  name: string;
  interval?: string;
  rules: Record<string, unknown>[];
}

export interface PlatformAlertsArgs {
  groups: AlertRuleGroup[];
}

const ALERTS_FILE = join('ops', 'prometheus', 'alerts.yml');

/** `ops/prometheus/alerts.yml`, found from this file upward: the program runs from `pulumi/` under Jest and from `dist/pulumi/` under the CLI. */
export function readAlertRuleGroups(from = dirname(fileURLToPath(import.meta.url))): AlertRuleGroup[] {
  for (let directory = from; ; directory = dirname(directory)) {
    const candidate = join(directory, ALERTS_FILE);
    if (existsSync(candidate)) return (parse(readFileSync(candidate, 'utf8')) as { groups: AlertRuleGroup[] }).groups;
    if (dirname(directory) === directory) throw new Error(`${ALERTS_FILE} not found above ${from}`);
  }
}

/**
 * The platform's alert rules, evaluated by Google Managed Prometheus. `ClusterRules` rather than
 * namespaced `Rules`: the SLOs cover the tenants' workloads in every tenant namespace as well.
 */
export class PlatformAlerts extends pulumi.ComponentResource {
  constructor(name: string, args: PlatformAlertsArgs, opts?: pulumi.ComponentResourceOptions) {
    super('platform:infra:PlatformAlerts', name, {}, opts);
    new k8s.apiextensions.CustomResource(
      `${name}-alerts`,
      {
        apiVersion: 'monitoring.googleapis.com/v1',
        kind: 'ClusterRules',
        metadata: { name: 'platform-slo', labels: { 'app.kubernetes.io/managed-by': 'pulumi' } },
        spec: { groups: args.groups.map((group) => ({ interval: '30s', ...group })) },
      },
      { parent: this },
    );
    this.registerOutputs({});
  }
}
