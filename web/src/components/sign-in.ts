import { useState } from 'preact/hooks';
import { html } from '../html.ts';

/** The key is the only credential; it is kept in this tab's sessionStorage and nowhere else. */
export function SignIn({ onSignIn, error }: { onSignIn: (key: string) => void; error: string | null }) {
  const [key, setKey] = useState('');
  const submit = (e: Event) => {
    e.preventDefault();
    if (key.trim()) onSignIn(key.trim());
  };
  return html`
    <main class="sign-in">
      <h1>Trainyard</h1>
      <form onSubmit=${submit}>
        <label for="api-key">API key</label>
        <input id="api-key" type="password" autocomplete="off" value=${key} onInput=${(e: Event) => setKey((e.target as HTMLInputElement).value)} placeholder="ty_…" required />
        <button type="submit">Sign in</button>
        ${error && html`<p class="error" role="alert">${error}</p>`}
        <p class="hint">Create one with <code>npm run --silent admin -- create-key --team NAME</code>. It stays in this tab only.</p>
      </form>
    </main>
  `;
}
