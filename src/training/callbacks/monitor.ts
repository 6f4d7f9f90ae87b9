import { monitorKey, type MonitorMode } from '../../spec/callbacks-spec.schema.ts';

export { monitorKey };

const MAXIMISED = /(^|_)(acc|precision|recall|auc)$/;

/** `auto` maximises accuracy-like values and minimises losses and errors, as Keras does. */
export function resolveMode(mode: MonitorMode, monitor: string): 'min' | 'max' {
  if (mode !== 'auto') return mode;
  return MAXIMISED.test(monitorKey(monitor)) ? 'max' : 'min';
}

/**
 * Whether `current` beats `reference` by more than `minDelta` (Keras's rule: for `min`,
 * current < reference − minDelta). A missing reference (nothing seen yet) is always beaten.
 */
export function isImprovement(current: number, reference: number | null, minDelta: number, mode: 'min' | 'max'): boolean {
  if (reference === null) return true;
  return mode === 'min' ? current < reference - minDelta : current > reference + minDelta;
}

/** The monitored value of an epoch, or undefined when the metrics lack it. */
export function monitoredValue(metrics: Record<string, number>, monitor: string): number | undefined {
  const v = metrics[monitorKey(monitor)];
  return typeof v === 'number' ? v : undefined;
}

/** Short and stable for messages: 0.4213 rather than 0.42131996154785156. */
export const fmt = (v: number) => (Number.isInteger(v) ? String(v) : String(Number(v.toPrecision(4))));
