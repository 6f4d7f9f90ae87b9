import { useEffect, useMemo, useState } from 'preact/hooks';
import { api } from '../api.ts';
import { html } from '../html.ts';
import { useDatasetNames } from '../hooks.ts';
import { link } from '../router.ts';
import { PAGE_SIZE, queryRuns, type RunsQuery, type SortKey } from '../runs-query.ts';
import type { Run, RunEvent } from '../types.ts';
import { RunsTable } from './runs-table.ts';

const STATUSES = ['all', 'queued', 'running', 'paused', 'completed', 'failed', 'canceled'] as const;

/** A team event applied to the loaded rows: status and epoch change in place; a run not yet listed is fetched. */
function patch(runs: Run[], event: RunEvent, fetchNew: (id: string) => void): Run[] {
  const i = runs.findIndex((r) => r.id === event.runId);
  if (i < 0) {
    if (event.type === 'status') fetchNew(event.runId);
    return runs;
  }
  const run = runs[i];
  const next =
    event.type === 'status' ? { ...run, status: event.status } : event.type === 'epoch' ? { ...run, currentEpoch: event.epoch, latestMetrics: event.metrics } : null;
  return next ? runs.map((r, j) => (j === i ? next : r)) : runs;
}

/**
 * Loads every run page by page (rows show after the first), then keeps them current from the
 * team's event stream instead of polling; filtering, sorting and paging happen in the browser.
 */
function useAllRuns(): { runs: Run[]; loaded: boolean; live: boolean; error: string | null } {
  const [runs, setRuns] = useState<Run[]>([]);
  const [loaded, setLoaded] = useState(false);
  const [live, setLive] = useState(false);
  const [error, setError] = useState<string | null>(null);
  useEffect(() => {
    const all: Run[] = [];
    const fetchNew = (id: string) => void api.run(id).then((run) => setRuns((list) => (list.some((r) => r.id === id) ? list : [run, ...list])), () => undefined);
    const events = api.teamEvents();
    events.onopen = () => setLive(true);
    events.onclose = () => setLive(false);
    events.onmessage = (m) => setRuns((list) => patch(list, JSON.parse(String(m.data)) as RunEvent, fetchNew));
    api
      .eachRunsPage((page) => {
        all.push(...page);
        // Runs the stream added meanwhile stay in front unless a page has brought them too.
        const listed = new Set(all.map((r) => r.id));
        setRuns((list) => [...list.filter((r) => !listed.has(r.id)), ...all]);
      })
      .then(() => setLoaded(true), (err: Error) => setError(err.message));
    return () => events.close(1000);
  }, []);
  return { runs, loaded, live, error };
}

export function RunsPage() {
  const { runs, loaded, live, error } = useAllRuns();
  const datasetName = useDatasetNames();
  const [q, setQ] = useState<RunsQuery>({ status: 'all', search: '', sort: 'created', descending: true, page: 0 });
  const [selected, setSelected] = useState<Set<string>>(new Set());
  const { rows, total } = useMemo(() => queryRuns(runs, q, datasetName), [runs, q, datasetName]);
  const pages = Math.max(1, Math.ceil(total / PAGE_SIZE));
  const update = (patch: Partial<RunsQuery>) => setQ({ ...q, page: 0, ...patch });
  const onSort = (sort: SortKey) => update({ sort, descending: q.sort === sort ? !q.descending : true });
  const toggle = (id: string) => {
    const next = new Set(selected);
    if (!next.delete(id)) next.add(id);
    setSelected(next);
  };

  return html`
    <section data-testid="runs-page" data-loaded=${loaded} data-live=${live} data-total=${runs.length}>
      <h1>Runs</h1>
      <div class="toolbar">
        <label>Status <select value=${q.status} onChange=${(e: Event) => update({ status: (e.target as HTMLSelectElement).value as RunsQuery['status'] })}>
          ${STATUSES.map((s) => html`<option value=${s}>${s}</option>`)}
        </select></label>
        <label>Search <input type="search" placeholder="run id or dataset" value=${q.search} onInput=${(e: Event) => update({ search: (e.target as HTMLInputElement).value })} /></label>
        <a class=${`button${selected.size < 2 ? ' disabled' : ''}`} aria-disabled=${selected.size < 2} href=${selected.size >= 2 ? link('compare', [...selected].join(',')) : undefined}>Compare ${selected.size} selected</a>
        <span class="muted" role="status">${total} run${total === 1 ? '' : 's'}${loaded ? '' : ' (loading…)'}</span>
      </div>
      ${error && html`<p class="error" role="alert">${error}</p>`}
      <${RunsTable} rows=${rows} datasetName=${datasetName} sort=${q.sort} descending=${q.descending} onSort=${onSort} selected=${selected} onToggle=${toggle} />
      <nav class="pager" aria-label="Pages">
        <button type="button" disabled=${q.page === 0} onClick=${() => setQ({ ...q, page: q.page - 1 })}>Previous</button>
        <span>Page ${q.page + 1} of ${pages}</span>
        <button type="button" disabled=${q.page + 1 >= pages} onClick=${() => setQ({ ...q, page: q.page + 1 })}>Next</button>
      </nav>
    </section>
  `;
}
