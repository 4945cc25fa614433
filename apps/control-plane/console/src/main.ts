import { render } from 'preact';
import { useEffect, useState } from 'preact/hooks';
import { type Session, canChange, saveSession, savedSession, signIn } from './api.js';
import { html } from './html.js';
import { OnboardView } from './onboard-view.js';
import { TenantView } from './tenant-view.js';
import { TenantsView } from './tenants-view.js';
import './console.css';

function useHash(): string {
  const [hash, setHash] = useState(location.hash);
  useEffect(() => {
    const changed = () => setHash(location.hash);
    addEventListener('hashchange', changed);
    return () => removeEventListener('hashchange', changed);
  }, []);
  return hash;
}

function SignIn({ onSession }: { onSession: (session: Session) => void }) {
  const [token, setToken] = useState('');
  const [problem, setProblem] = useState('');
  const attempt = (with_: string | null) =>
    signIn(with_)
      .then(onSession)
      .catch((error: Error) => setProblem(error.message));
  return html`
    <main class="signin">
      <h1>Operator console</h1>
      <form
        class="panel"
        onSubmit=${(event: Event) => {
          event.preventDefault();
          void attempt(token.trim());
        }}
      >
        <label>
          Operator token
          <input
            type="password"
            autocomplete="current-password"
            required
            value=${token}
            onInput=${(event: Event) => setToken((event.target as HTMLInputElement).value)}
          />
        </label>
        ${problem && html`<p class="error" role="alert">${problem}</p>`}
        <button type="submit" class="primary">Sign in</button>
        <p class="hint">
          Or <button type="button" class="link" onClick=${() => attempt(null)}>use the queue dashboard's login</button>
          (any user name, the token as password).
        </p>
      </form>
    </main>
  `;
}

function App() {
  const [session, setSession] = useState<Session | null>(savedSession());
  const hash = useHash();
  const use = (next: Session | null) => {
    saveSession(next);
    setSession(next);
  };
  if (!session) return html`<${SignIn} onSession=${use} />`;
  const tenant = /^#\/tenants\/([a-z0-9-]+)$/.exec(hash);
  const page = tenant
    ? html`<${TenantView} key=${tenant[1]} session=${session} slug=${tenant[1]} />`
    : hash === '#/onboard' && canChange(session)
      ? html`<${OnboardView} session=${session} />`
      : html`<${TenantsView} session=${session} />`;
  return html`
    <header class="top">
      <a class="brand" href="#/">Tenant control plane</a>
      <nav aria-label="Elsewhere">
        <a href="/admin/queues">Queue dashboard</a>
        <a href="/docs">API docs</a>
      </nav>
      <span class="who">${session.name} <span class="role role-${session.role}">${session.role}</span></span>
      <button type="button" onClick=${() => use(null)}>Sign out</button>
    </header>
    <main>${page}</main>
  `;
}

const root = document.getElementById('app')!;
// The static page's "Loading" line is replaced, not kept beside the app.
root.replaceChildren();
render(html`<${App} />`, root);
