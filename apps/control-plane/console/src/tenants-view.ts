import { useState } from 'preact/hooks';
import { PHASES, type Session, type Tenant, api, canChange } from './api.js';
import { formatTime, hostnamesOf } from './format.js';
import { usePolled } from './hooks.js';
import { html } from './html.js';

const PAGE_LIMIT = 200;
const MAX_PAGES = 10;

/** Every tenant of a phase (or all), following the API's cursor. */
async function allTenants(session: Session, phase: string): Promise<Tenant[]> {
  const tenants: Tenant[] = [];
  let cursor: string | null = null;
  for (let page = 0; page < MAX_PAGES; page += 1) {
    const query = new URLSearchParams({ limit: String(PAGE_LIMIT), ...(phase ? { phase } : {}) });
    if (cursor) query.set('cursor', cursor);
    const answer: { items: Tenant[]; nextCursor: string | null } = await api(session, 'GET', `/v1/tenants?${query}`);
    tenants.push(...answer.items);
    cursor = answer.nextCursor;
    if (!cursor) break;
  }
  return tenants;
}

export function PhaseBadge({ phase }: { phase: string }) {
  return html`<span class="phase phase-${phase.toLowerCase()}">${phase}</span>`;
}

export function TenantsView({ session }: { session: Session }) {
  const [phase, setPhase] = useState('');
  const [search, setSearch] = useState('');
  const tenants = usePolled(
    () => allTenants(session, phase),
    phase,
    () => 5_000,
  );
  const needle = search.trim().toLowerCase();
  const shown = (tenants.data ?? []).filter(
    (tenant) =>
      !needle ||
      tenant.slug.includes(needle) ||
      tenant.displayName.toLowerCase().includes(needle) ||
      hostnamesOf(tenant).some((host) => host.includes(needle)),
  );
  return html`
    <section aria-labelledby="tenants-title">
      <div class="heading">
        <h1 id="tenants-title">Tenants</h1>
        ${canChange(session) && html`<a class="button primary" href="#/onboard">Onboard a tenant</a>`}
      </div>
      <form class="filters" role="search" onSubmit=${(event: Event) => event.preventDefault()}>
        <label>
          Phase
          <select value=${phase} onChange=${(event: Event) => setPhase((event.target as HTMLSelectElement).value)}>
            <option value="">All phases</option>
            ${PHASES.map((name) => html`<option value=${name}>${name}</option>`)}
          </select>
        </label>
        <label>
          Search
          <input
            type="search"
            placeholder="Slug, name or hostname"
            value=${search}
            onInput=${(event: Event) => setSearch((event.target as HTMLInputElement).value)}
          />
        </label>
      </form>
      ${tenants.error && html`<p class="error" role="alert">${tenants.error}</p>`}
      <table class="data tenants">
        <caption>
          ${tenants.data ? `${shown.length} of ${tenants.data.length} tenants` : 'Loading tenants…'}
        </caption>
        <thead>
          <tr>
            <th scope="col">Slug</th>
            <th scope="col">Name</th>
            <th scope="col">Tier</th>
            <th scope="col">Phase</th>
            <th scope="col">Hostnames</th>
            <th scope="col">Created</th>
          </tr>
        </thead>
        <tbody>
          ${shown.map(
            (tenant) =>
              html`<tr data-slug=${tenant.slug}>
                <td><a href="#/tenants/${tenant.slug}">${tenant.slug}</a></td>
                <td>${tenant.displayName}</td>
                <td>${tenant.tier}</td>
                <td><${PhaseBadge} phase=${tenant.status.phase} /></td>
                <td>${hostnamesOf(tenant).map((host) => html`<div>${host}</div>`)}</td>
                <td>${formatTime(tenant.createdAt)}</td>
              </tr>`,
          )}
        </tbody>
      </table>
    </section>
  `;
}
