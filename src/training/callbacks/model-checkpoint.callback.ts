import type { ModelCheckpointSpec } from '../../spec/callbacks-spec.schema.ts';
import { isImprovement, monitoredValue, resolveMode } from './monitor.ts';

export interface ModelCheckpointState {
  /** Best monitored value among saved checkpoints (saveBestOnly). */
  best: number | null;
}

export type CheckpointVerdict = { save: boolean; missing?: boolean };

/**
 * Which epochs get a checkpoint: every `everyEpochs`-th epoch, and with saveBestOnly only
 * those that beat every checkpoint saved before (Keras's rule, without a min delta).
 * Deleting beyond `keep` happens where the checkpoints are recorded (the worker).
 */
export class ModelCheckpoint {
  state: ModelCheckpointState = { best: null };
  readonly mode: 'min' | 'max';

  constructor(
    readonly spec: ModelCheckpointSpec,
    readonly monitor: string,
  ) {
    this.mode = resolveMode(spec.mode, monitor);
  }

  onEpochEnd(epoch: number, metrics: Record<string, number>): CheckpointVerdict {
    if (epoch % this.spec.everyEpochs !== 0) return { save: false };
    if (!this.spec.saveBestOnly) return { save: true };
    const current = monitoredValue(metrics, this.monitor);
    if (current === undefined) return { save: false, missing: true };
    if (!isImprovement(current, this.state.best, 0, this.mode)) return { save: false };
    this.state.best = current;
    return { save: true };
  }
}
