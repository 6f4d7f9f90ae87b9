import { lastValMetric } from './run-metrics.ts';
import type { Run, RunStatus } from './types.ts';

export type SortKey = 'created' | 'status' | 'epoch' | 'best' | 'duration';

export interface RunsQuery {
  status: RunStatus | 'all';
  search: string;
  sort: SortKey;
  descending: boolean;
  page: number;
}

export const PAGE_SIZE = 50;

const sortValue: Record<SortKey, (run: Run) => number | string> = {
  created: (r) => r.createdAt,
  status: (r) => r.status,
  epoch: (r) => r.currentEpoch,
  best: (r) => lastValMetric(r)?.value ?? -Infinity,
  duration: (r) => (r.startedAt ? (r.finishedAt ? Date.parse(r.finishedAt) : Date.now()) - Date.parse(r.startedAt) : -1),
};

/**
 * Filters, searches (by run id, or the dataset's name or id) and sorts in the browser, then
 * cuts one page: a team's thousand runs are one load, and only one page of rows is ever in the DOM.
 */
export function queryRuns(runs: Run[], q: RunsQuery, datasetName: (id: string) => string): { rows: Run[]; total: number } {
  const needle = q.search.trim().toLowerCase();
  const matches = runs.filter(
    (r) => (q.status === 'all' || r.status === q.status) && (!needle || r.id.includes(needle) || r.datasetId.includes(needle) || datasetName(r.datasetId).toLowerCase().includes(needle)),
  );
  const key = sortValue[q.sort];
  const sign = q.descending ? -1 : 1;
  matches.sort((a, b) => {
    const x = key(a);
    const y = key(b);
    return x < y ? -sign : x > y ? sign : 0;
  });
  return { rows: matches.slice(q.page * PAGE_SIZE, (q.page + 1) * PAGE_SIZE), total: matches.length };
}
