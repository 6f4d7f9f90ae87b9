import type { EarlyStoppingSpec } from '../../spec/callbacks-spec.schema.ts';
import { fmt, isImprovement, monitoredValue, resolveMode } from './monitor.ts';

export interface EarlyStoppingState {
  /** Best monitored value so far; null before the first epoch. */
  best: number | null;
  bestEpoch: number | null;
  /** Epochs since the last improvement (Keras's `wait`). */
  wait: number;
}

export type EarlyStoppingVerdict = { missing: true } | { missing: false; improved: boolean; stop?: string };

/**
 * Keras's EarlyStopping, epoch by epoch: an epoch improves when it beats the best by more
 * than minDelta; the wait restarts only when it also beats the baseline (if any); training
 * stops once `wait` reaches `patience`. Restoring the best weights is done by the caller,
 * which owns the model (see training-callbacks.ts).
 */
export class EarlyStopping {
  state: EarlyStoppingState = { best: null, bestEpoch: null, wait: 0 };
  readonly mode: 'min' | 'max';

  constructor(
    readonly spec: EarlyStoppingSpec,
    readonly monitor: string,
  ) {
    this.mode = resolveMode(spec.mode, monitor);
  }

  onEpochEnd(epoch: number, metrics: Record<string, number>): EarlyStoppingVerdict {
    const current = monitoredValue(metrics, this.monitor);
    if (current === undefined) return { missing: true };
    const { spec, state } = this;
    state.wait++;
    if (isImprovement(current, state.best, spec.minDelta, this.mode)) {
      state.best = current;
      state.bestEpoch = epoch;
      if (spec.baseline === undefined || isImprovement(current, spec.baseline, spec.minDelta, this.mode)) state.wait = 0;
      return { missing: false, improved: true };
    }
    if (state.wait >= spec.patience) return { missing: false, improved: false, stop: this.reason() };
    return { missing: false, improved: false };
  }

  private reason(): string {
    const { spec, state } = this;
    const epochs = `${state.wait} epoch${state.wait === 1 ? '' : 's'}`;
    const best = state.best === null ? '' : ` (best ${fmt(state.best)} at epoch ${state.bestEpoch})`;
    const beatsBaseline = spec.baseline === undefined || (state.best !== null && isImprovement(state.best, spec.baseline, spec.minDelta, this.mode));
    if (!beatsBaseline) return `early stopping: ${this.monitor} did not beat the baseline ${fmt(spec.baseline!)} for ${epochs}${best}`;
    const by = spec.minDelta > 0 ? ` by ${fmt(spec.minDelta)}` : '';
    return `early stopping: ${this.monitor} did not improve${by} for ${epochs}${best}`;
  }
}
