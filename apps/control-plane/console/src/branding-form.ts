import type { ComponentChildren } from 'preact';
import { useState } from 'preact/hooks';
import { base64Of } from './format.js';
import { html } from './html.js';

export interface BrandingValues {
  displayName: string;
  primaryColor: string;
  accentColor: string | null;
}

const LOGO_TYPES = 'image/png,image/svg+xml';

/** Display name, colours (native colour pickers) and a logo file; answers the API's patch body. */
export function BrandingForm(props: {
  title: string;
  submitLabel: string;
  initial: BrandingValues;
  busy: boolean;
  onSubmit: (patch: { displayName: string; branding: unknown }) => void;
  children?: ComponentChildren;
}) {
  const [displayName, setDisplayName] = useState(props.initial.displayName);
  const [primaryColor, setPrimaryColor] = useState(props.initial.primaryColor);
  const [accentColor, setAccentColor] = useState(props.initial.accentColor ?? '#ffffff');
  const [useAccent, setUseAccent] = useState(props.initial.accentColor !== null);
  const [logo, setLogo] = useState<File | null>(null);
  const [problem, setProblem] = useState('');
  const submit = async (event: Event) => {
    event.preventDefault();
    try {
      const branding = {
        primaryColor,
        ...(useAccent ? { accentColor } : {}),
        ...(logo ? { logo: { contentType: logo.type, base64: await base64Of(logo) } } : {}),
      };
      props.onSubmit({ displayName, branding });
    } catch (error) {
      setProblem((error as Error).message);
    }
  };
  const value = (set: (text: string) => void) => (event: Event) => set((event.target as HTMLInputElement).value);
  return html`
    <form class="panel" onSubmit=${submit}>
      <h2>${props.title}</h2>
      ${props.children}
      <label
        >Display name <input required maxlength="100" value=${displayName} onInput=${value(setDisplayName)}
      /></label>
      <div class="row">
        <label>Primary colour <input type="color" value=${primaryColor} onInput=${value(setPrimaryColor)} /></label>
        <label class="inline">
          <input
            type="checkbox"
            checked=${useAccent}
            onChange=${(event: Event) => setUseAccent((event.target as HTMLInputElement).checked)}
          />
          Accent colour
        </label>
        <label>
          <span class="visually-hidden">Accent colour value</span>
          <input type="color" value=${accentColor} disabled=${!useAccent} onInput=${value(setAccentColor)} />
        </label>
      </div>
      <label>
        Logo (PNG or SVG, at most 256 KiB)
        <input
          type="file"
          accept=${LOGO_TYPES}
          onChange=${(event: Event) => setLogo((event.target as HTMLInputElement).files?.[0] ?? null)}
        />
      </label>
      ${
        props.initial.displayName &&
        html`<p class="hint">Branding is replaced whole: without a new file the tenant has no logo.</p>`
      }
      ${problem && html`<p class="error" role="alert">${problem}</p>`}
      <button type="submit" class="primary" disabled=${props.busy}>${props.submitLabel}</button>
    </form>
  `;
}
