import type { EpochRow, Metrics, Run } from './types.ts';

/**
 * The run's validation metric at its last epoch (its first compiled metric, else val_loss): the
 * runs list carries each run's latest metrics, not its history, so this is what a table row can show.
 */
export function lastValMetric(run: Run): { name: string; value: number } | null {
  const m = run.latestMetrics;
  if (!m) return null;
  const name = Object.keys(m).find((k) => k.startsWith('val_') && k !== 'val_loss') ?? (m.val_loss !== undefined ? 'val_loss' : undefined);
  return name ? { name, value: m[name] } : null;
}

/** Every metric name the epochs carry, train before validation, with their timings left out. */
export function metricNames(epochs: { metrics: Metrics }[]): string[] {
  const names = new Set<string>();
  for (const e of epochs) for (const k of Object.keys(e.metrics)) names.add(k);
  return [...names].sort((a, b) => Number(a.startsWith('val_')) - Number(b.startsWith('val_')) || a.localeCompare(b));
}

/** A stored epoch row (GET /metrics) as the event stream's `{ epoch, metrics }`. */
export function epochFromRow(row: EpochRow): { epoch: number; metrics: Metrics } {
  const metrics: Metrics = {};
  for (const [k, v] of Object.entries(row)) if (typeof v === 'number' && !['epoch', 'durationMs', 'samplesPerSec', 'learningRate'].includes(k)) metrics[k] = v;
  return { epoch: row.epoch, metrics };
}
