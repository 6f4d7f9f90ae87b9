import { html } from '../html.ts';
import { duration, number, shortId, when } from '../format.ts';
import { link } from '../router.ts';
import { lastValMetric } from '../run-metrics.ts';
import type { SortKey } from '../runs-query.ts';
import type { Run } from '../types.ts';
import { StatusBadge } from './status-badge.ts';

/** "Conv2D→MaxPooling2D→Dense · 1.2k params": the layer types in order, as a one-line summary. */
function modelLine(run: Run): string {
  const s = run.modelSummary;
  if (!s) return '–';
  const types = s.layers.map((l) => l.type).filter((t) => t !== 'InputLayer');
  const shown = types.length > 4 ? [...types.slice(0, 3), '…', types.at(-1)] : types;
  return `${shown.join('→')} · ${s.totalParams.toLocaleString()} params`;
}

interface Props {
  rows: Run[];
  datasetName: (id: string) => string;
  sort: SortKey;
  descending: boolean;
  onSort: (key: SortKey) => void;
  selected: Set<string>;
  onToggle: (id: string) => void;
}

export function RunsTable({ rows, datasetName, sort, descending, onSort, selected, onToggle }: Props) {
  const header = (key: SortKey | null, label: string) =>
    key
      ? html`<th aria-sort=${sort === key ? (descending ? 'descending' : 'ascending') : 'none'}><button type="button" class="sort" onClick=${() => onSort(key)}>${label}${sort === key ? (descending ? ' ↓' : ' ↑') : ''}</button></th>`
      : html`<th>${label}</th>`;
  return html`
    <div class="table-wrap">
      <table class="runs" data-testid="runs-table">
        <thead>
          <tr>
            <th><span class="visually-hidden">Compare</span></th>
            ${header(null, 'Run')} ${header('status', 'Status')} ${header(null, 'Model')} ${header(null, 'Dataset')} ${header(null, 'Backend')}
            ${header('epoch', 'Epoch')} ${header('best', 'Val (last epoch)')} ${header('duration', 'Duration')} ${header('created', 'Created')}
          </tr>
        </thead>
        <tbody>
          ${rows.map((run) => {
            const best = lastValMetric(run);
            return html`<tr key=${run.id} data-run-id=${run.id}>
              <td><input type="checkbox" aria-label=${`Compare run ${shortId(run.id)}`} checked=${selected.has(run.id)} onChange=${() => onToggle(run.id)} /></td>
              <td><a href=${link('runs', run.id)} class="mono">${shortId(run.id)}</a></td>
              <td><${StatusBadge} status=${run.status} /></td>
              <td class="model">${modelLine(run)}</td>
              <td>${datasetName(run.datasetId)}</td>
              <td>${run.backend ?? '–'}</td>
              <td>${run.currentEpoch}/${run.totalEpochs}</td>
              <td>${best ? `${best.name} ${number(best.value)}` : '–'}</td>
              <td>${duration(run.startedAt, run.finishedAt)}</td>
              <td>${when(run.createdAt)}</td>
            </tr>`;
          })}
        </tbody>
      </table>
    </div>
  `;
}
