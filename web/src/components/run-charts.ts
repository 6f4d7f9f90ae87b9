import { html } from '../html.ts';
import type { Metrics } from '../types.ts';
import { CurveChart } from './curve-chart.ts';

/** One chart per metric (loss first), its training and validation curves together. */
export function RunCharts({ epochs }: { epochs: Map<number, Metrics> }) {
  const xs = [...epochs.keys()].sort((a, b) => a - b);
  const names = new Set<string>();
  for (const m of epochs.values()) for (const k of Object.keys(m)) if (!k.startsWith('val_')) names.add(k.replace(/^val_/, ''));
  const ordered = [...names].sort((a, b) => (a === 'loss' ? -1 : b === 'loss' ? 1 : a.localeCompare(b)));
  if (xs.length === 0) return html`<p class="muted" data-testid="no-epochs">No epoch has finished yet.</p>`;
  return html`<div class="charts" data-testid="run-charts" data-epochs=${xs.length} data-epoch-list=${xs.join(',')}>
    ${ordered.map((name) => {
      const curves = [name, `val_${name}`]
        .filter((k) => xs.some((x) => epochs.get(x)![k] !== undefined))
        .map((k) => ({ label: k, values: xs.map((x) => epochs.get(x)![k] ?? null) }));
      return html`<${CurveChart} key=${name} title=${name} yLabel=${name === 'loss' ? 'loss (per sample)' : name} xs=${xs} curves=${curves} />`;
    })}
  </div>`;
}
