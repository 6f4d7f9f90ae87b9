import type { ReduceLROnPlateauSpec } from '../../spec/callbacks-spec.schema.ts';
import { isImprovement, monitoredValue, resolveMode } from './monitor.ts';

export interface ReduceLROnPlateauState {
  best: number | null;
  wait: number;
  cooldownCounter: number;
}

/**
 * Keras's ReduceLROnPlateau: after `patience` epochs without an improvement of more than
 * minDelta, the rate is multiplied by `factor` (never below minLR), then `cooldown` epochs
 * pass before epochs without improvement count again.
 */
export class ReduceLROnPlateau {
  state: ReduceLROnPlateauState = { best: null, wait: 0, cooldownCounter: 0 };
  readonly mode: 'min' | 'max';

  constructor(
    readonly spec: ReduceLROnPlateauSpec,
    readonly monitor: string,
  ) {
    this.mode = resolveMode(spec.mode, monitor);
  }

  /** The new learning rate when it should drop now; undefined to keep it; null when the monitored value is missing. */
  onEpochEnd(metrics: Record<string, number>, learningRate: number): number | undefined | null {
    const current = monitoredValue(metrics, this.monitor);
    if (current === undefined) return null;
    const { spec, state } = this;
    if (state.cooldownCounter > 0) {
      state.cooldownCounter--;
      state.wait = 0;
    }
    if (isImprovement(current, state.best, spec.minDelta, this.mode)) {
      state.best = current;
      state.wait = 0;
      return undefined;
    }
    if (state.cooldownCounter > 0) return undefined;
    state.wait++;
    if (state.wait < spec.patience) return undefined;
    // Float32 rates: a rate already at the floor is not "above" it by rounding noise.
    if (learningRate <= spec.minLR * (1 + 1e-6)) return undefined;
    state.cooldownCounter = spec.cooldown;
    state.wait = 0;
    return Math.max(learningRate * spec.factor, spec.minLR);
  }
}
