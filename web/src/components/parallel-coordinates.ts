import { number } from '../format.ts';
import { html } from '../html.ts';
import type { Trial } from '../types.ts';

const W = 720;
const H = 260;
const PAD = 30;

type Value = number | string | boolean | null;

/** Where an axis puts a value, in [0, 1] from bottom to top, and the values it labels. */
interface AxisScale {
  at: (v: Value) => number;
  ticks: { at: number; label: string }[];
}

/** Numbers by range (labelled at both ends), strings and booleans by their sorted distinct values (each labelled). */
function axisScale(values: Value[]): AxisScale {
  const nums = values.filter((v): v is number => typeof v === 'number');
  if (nums.length === values.filter((v) => v !== null).length && nums.length > 0) {
    const lo = Math.min(...nums);
    const hi = Math.max(...nums);
    const at = (v: Value) => (typeof v === 'number' && hi > lo ? (v - lo) / (hi - lo) : 0.5);
    return { at, ticks: hi > lo ? [{ at: 0, label: number(lo) }, { at: 1, label: number(hi) }] : [{ at: 0.5, label: number(lo) }] };
  }
  const distinct = [...new Set(values.map(String))].sort();
  const at = (v: Value) => (distinct.length > 1 ? distinct.indexOf(String(v)) / (distinct.length - 1) : 0.5);
  return { at, ticks: distinct.map((d) => ({ at: at(d), label: d })) };
}

/** Labels of the outer axes grow inwards, so a long path is not cut at the chart's edge. */
const anchorOf = (i: number, count: number) => (i === 0 ? 'start' : i === count - 1 ? 'end' : 'middle');

/**
 * Sampled values against the metric, one polyline per trial over one vertical axis per
 * hyperparameter and a last axis for the metric; the best trial drawn on top, highlighted.
 */
export function ParallelCoordinates({ trials, metricName, bestTrialId }: { trials: Trial[]; metricName: string; bestTrialId: string | null }) {
  const keys = [...new Set(trials.flatMap((t) => Object.keys(t.values)))];
  const axes = [...keys.map((k) => ({ label: k, get: (t: Trial) => t.values[k] ?? null })), { label: metricName, get: (t: Trial) => t.metric }];
  const scales = axes.map((a) => axisScale(trials.map(a.get)));
  const x = (i: number) => PAD + (i * (W - 2 * PAD)) / Math.max(1, axes.length - 1);
  const y = (f: number) => H - PAD - f * (H - 2 * PAD);
  const ordered = [...trials].sort((a, b) => Number(a.id === bestTrialId) - Number(b.id === bestTrialId));
  return html`<svg class="parallel" viewBox=${`0 0 ${W} ${H}`} role="img" aria-label=${`Parallel coordinates of ${keys.join(', ')} against ${metricName}`}>
    ${axes.map((a, i) => html`<g>
      <line x1=${x(i)} x2=${x(i)} y1=${PAD} y2=${H - PAD} class="axis" />
      <text x=${x(i)} y=${PAD - 12} text-anchor=${anchorOf(i, axes.length)} class="axis-label">${a.label}</text>
      ${scales[i].ticks.map((t) => html`<text x=${x(i) + (i === axes.length - 1 ? -4 : 4)} y=${y(t.at) + (t.at > 0.9 ? 14 : t.at < 0.1 ? -5 : 4)} text-anchor=${i === axes.length - 1 ? 'end' : 'start'} class="tick">${t.label}</text>`)}
    </g>`)}
    ${ordered.map((t) => html`<polyline class=${t.id === bestTrialId ? 'trial best' : 'trial'} points=${axes.map((a, i) => `${x(i)},${y(scales[i].at(a.get(t)))}`).join(' ')}><title>trial ${t.index}: ${t.metric ?? 'no metric yet'}</title></polyline>`)}
  </svg>`;
}
