import { readFileSync } from 'node:fs';
import { parse } from 'yaml';
import { parseConfig } from '@platform/config';

/**
 * No Docker engine runs here, so the delivery files are checked the way a validator would: shapes,
 * and every app's environment accepted by the same config schema the apps boot with.
 */
interface ComposeService {
  build?: string;
  image?: string;
  command?: string[];
  environment?: Record<string, string>;
  depends_on?: Record<string, { condition: string }>;
}

const APPS = ['control-plane', 'provisioner', 'edge', 'counter', 'data-api'] as const;
const compose = parse(readFileSync('docker-compose.yml', 'utf8'), { merge: true }) as {
  services: Record<string, ComposeService>;
};
const interpolate = (value: string) =>
  value.replace(/\$\{(\w+):\?[^}]*\}/g, (_, name: string) =>
    name === 'ADMIN_TOKEN' ? 'a'.repeat(32) : 's'.repeat(48),
  );

describe('docker-compose.yml', () => {
  it('runs Postgres, Redis, the migration and every app', () => {
    expect(Object.keys(compose.services)).toEqual(
      expect.arrayContaining(['postgres', 'redis', 'jaeger', 'migrate', ...APPS]),
    );
  });

  it.each(APPS)('gives %s an environment the config schema accepts, after migrations', (app) => {
    const service = compose.services[app]!;
    expect(service.command).toEqual([app]);
    expect(service.depends_on?.migrate?.condition).toBe('service_completed_successfully');
    const env = Object.fromEntries(
      Object.entries(service.environment ?? {}).map(([key, value]) => [key, interpolate(value)]),
    );
    expect(parseConfig(app, env).tracing.otlpEndpoint).toBe('http://jaeger:4318');
  });

  it('shares the asset store between the provisioner (writes) and the edge (serves)', () => {
    const volumes = (name: string) => (compose.services[name] as { volumes?: string[] }).volumes ?? [];
    expect(volumes('provisioner')).toContain('assets:/var/lib/platform/assets');
    expect(volumes('edge')).toContain('assets:/var/lib/platform/assets');
  });
});

describe('Dockerfile', () => {
  const dockerfile = readFileSync('Dockerfile', 'utf8');
  const entrypoint = readFileSync('ops/docker-entrypoint.sh', 'utf8');

  it('builds in one stage and runs as a non-root user in a slim runtime stage', () => {
    expect(dockerfile.match(/^FROM /gm)).toHaveLength(2);
    expect(dockerfile).toMatch(/FROM node:20-bookworm-slim AS runtime[\s\S]*\nUSER node\n/);
    expect(dockerfile).toContain('npm prune --omit=dev');
  });

  it.each([...APPS, 'migrate'])('starts %s from the entrypoint', (app) => {
    expect(entrypoint).toContain(app);
  });
});

describe('ops/prometheus/alerts.yml', () => {
  const rules = (
    parse(readFileSync('ops/prometheus/alerts.yml', 'utf8')) as {
      groups: { rules: { alert: string; expr: string; annotations: { runbook: string } }[] }[];
    }
  ).groups.flatMap((group) => group.rules);
  const slo = readFileSync('docs/slo.md', 'utf8');
  const exported = [
    'http_requests_total',
    'http_request_duration_seconds',
    'provisioning_jobs_total',
    'provisioning_change_to_converged_seconds',
    'provisioning_queue_oldest_waiting_seconds',
    'up',
  ];

  it.each(rules.map((rule) => [rule.alert, rule] as const))(
    '%s uses metrics we export and links a runbook section',
    (_, rule) => {
      const metrics = [...rule.expr.matchAll(/([a-z_]+)(?:_bucket)?(?=[{[]|\s*[=><)])/g)].map((match) => match[1]!);
      const ours = metrics.filter((name) => exported.some((metric) => name.startsWith(metric)));
      expect(ours.length).toBeGreaterThan(0);
      const anchor = rule.annotations.runbook.split('#')[1]!;
      expect(slo.toLowerCase()).toContain(`### ${anchor.replaceAll('-', ' ')}`);
    },
  );
});
