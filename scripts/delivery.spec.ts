import { readFileSync } from 'node:fs';
import { parse } from 'yaml';
import { parseConfig } from '@platform/config';

/**
 * No Docker engine runs here, so the delivery files are checked the way a validator would: shapes,
 * and every app's environment accepted by the same config schema the apps boot with.
 */
interface ComposeService {
  build?: string | { context: string; target: string };
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
    // The Dockerfile's last stage is the provisioner image; compose runs the plain runtime.
    expect(service.build).toEqual({ context: '.', target: 'runtime' });
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
  const stage = (name: string) =>
    dockerfile.split(/^FROM /m).find((part) => new RegExp(` AS ${name}\\n`).test(part)) ?? '';

  it('builds on Node 24 LTS, runs as a non-root user under an init process in a slim runtime stage', () => {
    expect(dockerfile.match(/^FROM .* AS (\w+)$/gm)).toEqual([
      'FROM node:24-bookworm-slim AS build',
      'FROM node:24-bookworm-slim AS runtime',
      'FROM runtime AS provisioner',
    ]);
    expect(stage('build')).toContain('npm prune --omit=dev');
    expect(stage('runtime')).toMatch(/apt-get install[^\n]* tini/);
    expect(stage('runtime')).toContain('ENTRYPOINT ["/usr/bin/tini", "--", "platform"]');
    expect(stage('runtime')).toMatch(/\nUSER node\n/);
    expect(stage('provisioner')).toMatch(/\nUSER node\n/);
  });

  it('puts the pinned Pulumi CLI and gcp and kubernetes plugins, from one versions file, in the provisioner stage only', () => {
    const provisioner = stage('provisioner');
    expect(provisioner).toContain('COPY ops/pulumi-versions.env');
    expect(provisioner).toContain('. /opt/pulumi/versions.env');
    for (const variable of ['PULUMI_VERSION', 'PULUMI_GCP_VERSION', 'PULUMI_KUBERNETES_VERSION']) {
      expect(provisioner).toContain(`\${${variable}}`);
      // Nowhere else: the versions file is the one place.
      expect(dockerfile.replace(provisioner, '')).not.toContain(variable);
    }
    expect(provisioner).toContain('sha256sum -c');
    expect(stage('runtime')).not.toContain('get.pulumi.com');
  });

  it.each([...APPS, 'migrate'])('starts %s from the entrypoint', (app) => {
    expect(entrypoint).toContain(app);
  });
});

describe('ops/pulumi-versions.env', () => {
  const versions = Object.fromEntries(
    readFileSync('ops/pulumi-versions.env', 'utf8')
      .split('\n')
      .filter((line) => /^\w+=/.test(line))
      .map((line) => line.split('=') as [string, string]),
  );
  const manifest = JSON.parse(readFileSync('package.json', 'utf8')) as { dependencies: Record<string, string> };
  const installed = (name: string) =>
    (JSON.parse(readFileSync(`node_modules/${name}/package.json`, 'utf8')) as { version: string }).version;

  it.each([
    ['PULUMI_VERSION', '@pulumi/pulumi'],
    ['PULUMI_GCP_VERSION', '@pulumi/gcp'],
    ['PULUMI_KUBERNETES_VERSION', '@pulumi/kubernetes'],
  ])('pins %s to the %s the programs are built against', (variable, packageName) => {
    expect(versions[variable]).toBe(installed(packageName));
    expect(manifest.dependencies[packageName]).toBe(`^${versions[variable]}`);
  });
});

describe('.github/workflows', () => {
  interface Step {
    run?: string;
    uses?: string;
    with?: Record<string, string>;
  }
  const workflow = (name: string) =>
    parse(readFileSync(`.github/workflows/${name}`, 'utf8')) as { jobs: Record<string, { steps: Step[] }> };

  it('ci.yml runs the mock preview of a tenant and of the platform as data', () => {
    const runs = workflow('ci.yml').jobs.test!.steps.map((step) => step.run ?? '');
    expect(runs).toContainEqual(expect.stringMatching(/npm run preview .*-- --tenant \S+ --json/));
    expect(runs).toContainEqual(expect.stringMatching(/npm run preview .*-- --platform --json/));
  });

  it('ci.yml builds both images and pushes them to Artifact Registry tagged by commit on main', () => {
    const builds = workflow('ci.yml').jobs.image!.steps.filter((step) =>
      step.uses?.startsWith('docker/build-push-action'),
    );
    expect(builds.map((step) => step.with?.target)).toEqual(['runtime', 'provisioner']);
    for (const build of builds) {
      expect(build.with?.tags).toContain('github.sha');
      expect(build.with?.push).toContain('PUSH');
    }
    const ci = readFileSync('.github/workflows/ci.yml', 'utf8');
    expect(ci).toContain("PUSH: ${{ github.event_name == 'push' && vars.ARTIFACT_REGISTRY != '' }}");
  });

  it('pulumi-preview.yml previews both projects with the tenant policy pack', () => {
    const steps = workflow('pulumi-preview.yml').jobs.preview!.steps as (Step & { 'working-directory'?: string })[];
    const preview = steps.find((step) => step.run?.startsWith('pulumi preview'));
    expect(preview?.['working-directory']).toBe('pulumi/${{ matrix.project }}');
    // Relative to pulumi/<project>: the pack in pulumi/policy.
    expect(preview?.run).toContain('--policy-pack ../policy');
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
