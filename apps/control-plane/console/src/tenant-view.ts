import { useState } from 'preact/hooks';
import {
  type ApiKey,
  type AuditEvent,
  type Job,
  SETTLING_PHASES,
  type Session,
  type Tenant,
  type UsageRow,
  api,
  canChange,
} from './api.js';
import { formatBytes, formatTime, hostnamesOf } from './format.js';
import { usePolled } from './hooks.js';
import { html } from './html.js';
import { BrandingForm } from './branding-form.js';
import { PhaseBadge } from './tenants-view.js';
import { UsageChart } from './usage-chart.js';

interface TenantDetails {
  tenant: Tenant;
  jobs: Job[];
  keys: ApiKey[];
  audit: AuditEvent[];
  usage: UsageRow[];
}

async function detailsOf(session: Session, slug: string): Promise<TenantDetails> {
  const tenant = await api<Tenant>(session, 'GET', `/v1/tenants/${encodeURIComponent(slug)}`);
  const [jobs, keys, audit, usage] = await Promise.all([
    api<{ items: Job[] }>(session, 'GET', `/v1/tenants/${tenant.id}/jobs`),
    tenant.desiredState === 'deleted'
      ? { items: [] }
      : api<{ items: ApiKey[] }>(session, 'GET', `/v1/tenants/${tenant.id}/api-keys`),
    api<{ items: AuditEvent[] }>(session, 'GET', `/v1/audit-events?targetId=${tenant.id}&limit=20`),
    api<{ rows: UsageRow[] }>(session, 'GET', `/v1/tenants/${tenant.id}/usage?granularity=day`),
  ]);
  return { tenant, jobs: jobs.items.slice(0, 10), keys: keys.items, audit: audit.items, usage: usage.rows };
}

export function TenantView({ session, slug }: { session: Session; slug: string }) {
  // While a job runs the page polls every second, so the phase moves as the worker reports it.
  const details = usePolled(
    () => detailsOf(session, slug),
    slug,
    (data) => (data && !SETTLING_PHASES.has(data.tenant.status.phase) ? 10_000 : 1_000),
  );
  if (!details.data) {
    return html`<p class=${details.error ? 'error' : 'loading'} role=${details.error ? 'alert' : 'status'}>
      ${details.error ?? 'Loading the tenant…'}
    </p>`;
  }
  const { tenant, jobs, keys, audit, usage } = details.data;
  return html`
    <section aria-labelledby="tenant-title">
      <p><a href="#/">← All tenants</a></p>
      <div class="heading">
        <h1 id="tenant-title">${tenant.displayName} <span class="muted">${tenant.slug}</span></h1>
        <span aria-live="polite" id="phase"><${PhaseBadge} phase=${tenant.status.phase} /></span>
      </div>
      ${details.error && html`<p class="error" role="alert">${details.error}</p>`}
      <dl class="facts">
        <dt>Tier</dt>
        <dd>${tenant.tier}</dd>
        <dt>Hostnames</dt>
        <dd>${hostnamesOf(tenant).join(', ')}</dd>
        <dt>Generation</dt>
        <dd>${tenant.generation} (observed ${tenant.status.observedGeneration})</dd>
        <dt>Created</dt>
        <dd>${formatTime(tenant.createdAt)}</dd>
        <dt>Stored</dt>
        <dd>${formatBytes(usage.at(-1)?.storedBytes ?? 0)}</dd>
      </dl>
      ${
        canChange(session) && tenant.desiredState !== 'deleted'
          ? html`<${Actions} session=${session} tenant=${tenant} onDone=${details.reload} />`
          : null
      }

      <h2>Conditions</h2>
      <table class="data conditions">
        <thead>
          <tr>
            <th scope="col">Type</th>
            <th scope="col">Status</th>
            <th scope="col">Reason</th>
            <th scope="col">Message</th>
            <th scope="col">Since</th>
          </tr>
        </thead>
        <tbody>
          ${tenant.status.conditions.map(
            (condition) =>
              html`<tr>
                <td>${condition.type}</td>
                <td class="status-${condition.status.toLowerCase()}">${condition.status}</td>
                <td>${condition.reason}</td>
                <td>${condition.message}</td>
                <td>${formatTime(condition.lastTransitionTime)}</td>
              </tr>`,
          )}
        </tbody>
      </table>

      <h2>Recent jobs</h2>
      <table class="data jobs">
        <thead>
          <tr>
            <th scope="col">Job</th>
            <th scope="col">Kind</th>
            <th scope="col">State</th>
            <th scope="col" class="num">Attempts</th>
            <th scope="col">Queued</th>
            <th scope="col">By</th>
            <th scope="col">Failure</th>
          </tr>
        </thead>
        <tbody>
          ${jobs.map(
            (job) =>
              html`<tr>
                <td><a href="${session.queueDashboard}/${encodeURIComponent(job.id)}">${job.id}</a></td>
                <td>${job.kind} (gen ${job.generation})</td>
                <td>${job.state}</td>
                <td class="num">${job.attempts}</td>
                <td>${formatTime(job.queuedAt)}</td>
                <td>${job.requestedBy ?? ''}</td>
                <td>${job.failedReason ?? ''}</td>
              </tr>`,
          )}
        </tbody>
      </table>

      <h2>Usage, last 30 days</h2>
      <${UsageChart} rows=${usage} />

      <div class="columns">
        <div>
          <h2>API keys</h2>
          ${
            keys.length === 0
              ? html`<p class="muted">No active keys.</p>`
              : html`<ul class="keys">
                  ${keys.map(
                    (key) =>
                      html`<li>
                        <strong>${key.name}</strong> <code>${key.prefix}…</code>${' '}
                        <span class="muted">created ${formatTime(key.createdAt)}</span>
                      </li>`,
                  )}
                </ul>`
          }
        </div>
        <div>
          <h2>Audit events</h2>
          <ol class="audit">
            ${audit.map(
              (event) =>
                html`<li>
                  <strong>${event.action}</strong> by ${event.actor.name}${' '}
                  <span class="muted">${formatTime(event.at)}</span>
                </li>`,
            )}
          </ol>
        </div>
      </div>
    </section>
  `;
}

function Actions({ session, tenant, onDone }: { session: Session; tenant: Tenant; onDone: () => void }) {
  const [busy, setBusy] = useState(false);
  const [message, setMessage] = useState<{ text: string; error: boolean } | null>(null);
  const [panel, setPanel] = useState<'none' | 'rebrand' | 'offboard'>('none');
  const [confirmSlug, setConfirmSlug] = useState('');
  const run = (label: string, method: string, path: string, body?: unknown) => {
    setBusy(true);
    api(session, method, path, body)
      .then(() => {
        setMessage({ text: `${label}: accepted, a provisioning job is running.`, error: false });
        setPanel('none');
        onDone();
      })
      .catch((error: Error) => setMessage({ text: `${label} failed: ${error.message}`, error: true }))
      .finally(() => setBusy(false));
  };
  const base = `/v1/tenants/${tenant.id}`;
  return html`
    <div class="actions" role="group" aria-label="Tenant actions">
      <button type="button" onClick=${() => setPanel(panel === 'rebrand' ? 'none' : 'rebrand')} disabled=${busy}>
        Rebrand
      </button>
      ${
        tenant.desiredState === 'suspended'
          ? html`<button type="button" onClick=${() => run('Resume', 'POST', `${base}/resume`)} disabled=${busy}>
              Resume
            </button>`
          : html`<button type="button" onClick=${() => run('Suspend', 'POST', `${base}/suspend`)} disabled=${busy}>
              Suspend
            </button>`
      }
      <button
        type="button"
        class="danger"
        onClick=${() => setPanel(panel === 'offboard' ? 'none' : 'offboard')}
        disabled=${busy}
      >
        Offboard
      </button>
    </div>
    <p class=${message?.error ? 'error' : 'notice'} role="status" aria-live="polite">${message?.text ?? ''}</p>
    ${
      panel === 'rebrand' &&
      html`<${BrandingForm}
        title="Rebrand ${tenant.slug}"
        submitLabel="Save branding"
        initial=${{ displayName: tenant.displayName, ...tenant.branding }}
        busy=${busy}
        onSubmit=${(patch: unknown) => run('Rebrand', 'PATCH', base, patch)}
      />`
    }
    ${
      panel === 'offboard' &&
      html`<form
        class="panel danger"
        onSubmit=${(event: Event) => {
          event.preventDefault();
          run('Offboard', 'DELETE', base);
        }}
      >
        <h2>Offboard ${tenant.slug}</h2>
        <p>Its schema, role, assets and routes are removed. The tenant row and its audit trail are kept.</p>
        <label>
          Type the slug to confirm
          <input
            value=${confirmSlug}
            onInput=${(event: Event) => setConfirmSlug((event.target as HTMLInputElement).value)}
            autocomplete="off"
          />
        </label>
        <button type="submit" class="danger" disabled=${busy || confirmSlug !== tenant.slug}>Offboard tenant</button>
      </form>`
    }
  `;
}
