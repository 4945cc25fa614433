import { useState } from 'preact/hooks';
import { type Session, type Tenant, api } from './api.js';
import { BrandingForm } from './branding-form.js';
import { html } from './html.js';

// The API's slug rule, written for the `v` flag browsers compile `pattern` with (a literal `-` is escaped).
const SLUG_PATTERN = '[a-z][a-z0-9\\-]{1,38}[a-z0-9]';

export function OnboardView({ session }: { session: Session }) {
  const [slug, setSlug] = useState('');
  const [tier, setTier] = useState('business');
  const [domains, setDomains] = useState('');
  const [busy, setBusy] = useState(false);
  const [problem, setProblem] = useState('');
  // One key per form, so a double submit or a retry after a lost answer onboards once.
  const [idempotencyKey] = useState(() => crypto.randomUUID());
  const onboard = ({ displayName, branding }: { displayName: string; branding: unknown }) => {
    setBusy(true);
    const domainList = domains
      .split(/[\s,]+/)
      .map((domain) => domain.trim())
      .filter(Boolean);
    api<Tenant>(
      session,
      'POST',
      '/v1/tenants',
      { slug, displayName, tier, branding, ...(domainList.length ? { domains: domainList } : {}) },
      { 'idempotency-key': idempotencyKey },
    )
      .then((tenant) => (location.hash = `#/tenants/${tenant.slug}`))
      .catch((error: Error) => setProblem(error.message))
      .finally(() => setBusy(false));
  };
  const value = (set: (text: string) => void) => (event: Event) => set((event.target as HTMLInputElement).value);
  return html`
    <section>
      <p><a href="#/">← All tenants</a></p>
      ${problem && html`<p class="error" role="alert">${problem}</p>`}
      <${BrandingForm}
        title="Onboard a tenant"
        submitLabel="Onboard"
        initial=${{ displayName: '', primaryColor: '#3366cc', accentColor: null }}
        busy=${busy}
        onSubmit=${onboard}
      >
        <label>
          Slug
          <input
            required
            pattern=${SLUG_PATTERN}
            maxlength="40"
            value=${slug}
            onInput=${value(setSlug)}
            aria-describedby="slug-hint"
          />
        </label>
        <p class="hint" id="slug-hint">
          3 to 40 lowercase letters, digits and dashes, starting with a letter; the tenant's subdomain.
        </p>
        <label>
          Tier
          <select value=${tier} onChange=${value(setTier)}>
            <option value="starter">starter</option>
            <option value="business">business</option>
            <option value="enterprise">enterprise</option>
          </select>
        </label>
        <label
          >Custom domains (optional, comma separated) <input value=${domains} onInput=${value(setDomains)}
        /></label>
      <//>
    </section>
  `;
}
