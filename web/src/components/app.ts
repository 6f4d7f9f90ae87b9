import { useEffect, useState } from 'preact/hooks';
import { api, ApiError } from '../api.ts';
import { html } from '../html.ts';
import { link, useRoute } from '../router.ts';
import { session } from '../session.ts';
import { SignIn } from './sign-in.ts';
import { RunsPage } from './runs-page.ts';
import { RunPage } from './run-page.ts';
import { ComparePage } from './compare-page.ts';
import { DatasetsPage } from './datasets-page.ts';
import { DatasetPage } from './dataset-page.ts';
import { QueuePage } from './queue-page.ts';
import { ExperimentsPage } from './experiments-page.ts';
import { ExperimentPage } from './experiment-page.ts';

const NAV = [
  ['runs', 'Runs'],
  ['compare', 'Compare'],
  ['experiments', 'Experiments'],
  ['datasets', 'Datasets'],
  ['queue', 'Queue & workers'],
] as const;

function Page({ route }: { route: string[] }) {
  const [section = 'runs', id] = route;
  if (section === 'runs' && id) return html`<${RunPage} id=${id} />`;
  if (section === 'compare') return html`<${ComparePage} ids=${id ? id.split(',') : []} />`;
  if (section === 'experiments') return id ? html`<${ExperimentPage} id=${id} />` : html`<${ExperimentsPage} />`;
  if (section === 'datasets') return id ? html`<${DatasetPage} id=${id} />` : html`<${DatasetsPage} />`;
  if (section === 'queue') return html`<${QueuePage} />`;
  return html`<${RunsPage} />`;
}

/** The signed-in shell: the team's name, the sections, sign out; the key is checked once against GET /v1/team. */
export function App() {
  const route = useRoute();
  const [team, setTeam] = useState<string | null>(null);
  const [error, setError] = useState<string | null>(null);
  const [hasKey, setHasKey] = useState(Boolean(session.key()));

  useEffect(() => {
    if (!hasKey) return;
    api.team().then(
      (t) => setTeam(t.name),
      (err: unknown) => {
        session.signOut();
        setHasKey(false);
        setError(err instanceof ApiError ? err.message : 'Could not reach the API');
      },
    );
  }, [hasKey]);

  const signIn = (key: string) => {
    session.signIn(key);
    setError(null);
    setHasKey(true);
  };
  const signOut = () => {
    session.signOut();
    setTeam(null);
    setHasKey(false);
  };

  if (!hasKey) return html`<${SignIn} onSignIn=${signIn} error=${error} />`;
  if (!team) return html`<p class="loading" role="status">Signing in…</p>`;
  return html`
    <header class="top">
      <a class="brand" href=${link('runs')}>Trainyard</a>
      <nav aria-label="Sections">${NAV.map(([section, label]) => html`<a href=${link(section)} aria-current=${(route[0] ?? 'runs') === section ? 'page' : undefined}>${label}</a>`)}</nav>
      <span class="team" data-testid="team-name">${team}</span>
      <button type="button" onClick=${signOut}>Sign out</button>
    </header>
    <main><${Page} route=${route} /></main>
  `;
}
