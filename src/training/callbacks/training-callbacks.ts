import * as tf from '@tensorflow/tfjs';
import { access, readFile, writeFile } from 'node:fs/promises';
import path from 'node:path';
import type { CallbacksSpec } from '../../spec/callbacks-spec.schema.ts';
import { learningRateOf, setLearningRate } from '../learning-rate.ts';
import { EarlyStopping, type EarlyStoppingState } from './early-stopping.callback.ts';
import { scheduledLearningRate } from './learning-rate-schedule.ts';
import { ModelCheckpoint, type ModelCheckpointState } from './model-checkpoint.callback.ts';
import { fmt } from './monitor.ts';
import { ReduceLROnPlateau, type ReduceLROnPlateauState } from './reduce-lr-on-plateau.callback.ts';

/** Saved in each checkpoint dir, so a resumed run's callbacks pick up exactly where they were. */
export const CALLBACKS_JSON = 'callbacks.json';
/** The best epoch's weights (restoreBestWeights), beside callbacks.json. */
export const BEST_WEIGHTS_BIN = 'best-weights.bin';

export interface CallbacksState {
  version: 1;
  /** The rate the next epoch starts with (after any reduction at the end of this one). */
  learningRate: number | null;
  earlyStopping?: EarlyStoppingState;
  reduceLROnPlateau?: ReduceLROnPlateauState;
  modelCheckpoint?: ModelCheckpointState;
  /** Epoch and layout of best-weights.bin, when restoreBestWeights holds a snapshot. */
  bestWeights?: { epoch: number; specs: tf.io.WeightsManifestEntry[] } | null;
  /** Set once a callback stopped the run: a run resumed from here does not train on. */
  stopReason?: string | null;
}

export interface EpochDecision {
  saveCheckpoint: boolean;
  /** Why training stops after this epoch (early stopping). */
  stop?: string;
  /** Lines for the run's log: a lowered rate, a monitor missing from the metrics. */
  logs: { level: 'info' | 'warn'; message: string }[];
}

/**
 * Keras's callbacks for one run, evaluated at each epoch's boundaries by run-training.ts.
 * Without a `callbacks` spec every epoch is checkpointed and nothing else happens.
 */
export class TrainingCallbacks {
  readonly earlyStopping: EarlyStopping | null;
  readonly reduceLR: ReduceLROnPlateau | null;
  readonly checkpoint: ModelCheckpoint | null;
  private bestWeights: { epoch: number; tensors: tf.Tensor[] } | null = null;
  private readonly warned = new Set<string>();
  stopReason: string | null = null;

  constructor(
    private readonly spec: CallbacksSpec | undefined,
    private readonly options: { defaultMonitor: string; initialLearningRate: number | undefined },
  ) {
    const monitorOf = (m?: string) => m ?? options.defaultMonitor;
    this.earlyStopping = spec?.earlyStopping ? new EarlyStopping(spec.earlyStopping, monitorOf(spec.earlyStopping.monitor)) : null;
    this.reduceLR = spec?.reduceLROnPlateau ? new ReduceLROnPlateau(spec.reduceLROnPlateau, monitorOf(spec.reduceLROnPlateau.monitor)) : null;
    this.checkpoint = spec?.modelCheckpoint ? new ModelCheckpoint(spec.modelCheckpoint, monitorOf(spec.modelCheckpoint.monitor)) : null;
  }

  /** Whether checkpoints carry callback state at all. */
  get active(): boolean {
    return Boolean(this.earlyStopping || this.reduceLR || this.checkpoint || this.spec?.learningRateSchedule);
  }

  /** Sets the scheduled rate for `epoch` before it starts; no schedule leaves the rate alone. */
  onEpochBegin(epoch: number, optimizer: tf.Optimizer): void {
    const schedule = this.spec?.learningRateSchedule;
    if (schedule && this.options.initialLearningRate !== undefined) {
      setLearningRate(optimizer, scheduledLearningRate(schedule, this.options.initialLearningRate, epoch));
    }
  }

  onEpochEnd(epoch: number, metrics: Record<string, number>, model: tf.LayersModel, optimizer: tf.Optimizer): EpochDecision {
    const decision: EpochDecision = { saveCheckpoint: true, logs: [] };
    const missing = (monitor: string, who: string) => {
      if (this.warned.has(who)) return;
      this.warned.add(who);
      decision.logs.push({ level: 'warn', message: `${who}: the metrics hold no "${monitor}" (they hold ${Object.keys(metrics).join(', ')}); ${who} is skipped` });
    };

    if (this.earlyStopping) {
      const verdict = this.earlyStopping.onEpochEnd(epoch, metrics);
      if (verdict.missing) missing(this.earlyStopping.monitor, 'earlyStopping');
      else {
        if (verdict.improved && this.earlyStopping.spec.restoreBestWeights) this.snapshot(epoch, model);
        if (verdict.stop) decision.stop = this.stopReason = verdict.stop;
      }
    }
    if (this.reduceLR) {
      const lr = learningRateOf(optimizer);
      const next = lr === undefined ? undefined : this.reduceLR.onEpochEnd(metrics, lr);
      if (next === null) missing(this.reduceLR.monitor, 'reduceLROnPlateau');
      else if (next !== undefined) {
        setLearningRate(optimizer, next);
        decision.logs.push({ level: 'info', message: `reduceLROnPlateau: ${this.reduceLR.monitor} stopped improving; learning rate ${fmt(lr!)} → ${fmt(next)} from epoch ${epoch + 1}` });
      }
    }
    if (this.checkpoint) {
      const verdict = this.checkpoint.onEpochEnd(epoch, metrics);
      if (verdict.missing) missing(this.checkpoint.monitor, 'modelCheckpoint');
      decision.saveCheckpoint = verdict.save;
    }
    return decision;
  }

  /**
   * At the end of training: with restoreBestWeights the model takes the best epoch's weights
   * (when the last epoch was not the best). Returns a line for the log, or null.
   */
  restoreBest(model: tf.LayersModel, lastEpoch: number): string | null {
    const es = this.earlyStopping;
    if (!es?.spec.restoreBestWeights || !this.bestWeights || this.bestWeights.epoch === lastEpoch) return null;
    model.setWeights(this.bestWeights.tensors);
    return `restored the weights of epoch ${this.bestWeights.epoch} (best ${es.monitor} ${fmt(es.state.best!)})`;
  }

  private snapshot(epoch: number, model: tf.LayersModel) {
    this.disposeBest();
    // Clones keep the values: optimizers assign new tensors to the variables, never write into old ones.
    this.bestWeights = { epoch, tensors: model.getWeights().map((w) => tf.keep(w.clone())) };
  }

  state(optimizer: tf.Optimizer): CallbacksState {
    return {
      version: 1,
      learningRate: learningRateOf(optimizer) ?? null,
      ...(this.earlyStopping && { earlyStopping: { ...this.earlyStopping.state } }),
      ...(this.reduceLR && { reduceLROnPlateau: { ...this.reduceLR.state } }),
      ...(this.checkpoint && { modelCheckpoint: { ...this.checkpoint.state } }),
      stopReason: this.stopReason,
    };
  }

  /** Writes callbacks.json (and best-weights.bin) into a checkpoint directory being written. */
  async save(dir: string, optimizer: tf.Optimizer): Promise<void> {
    const state = this.state(optimizer);
    if (this.bestWeights) {
      const { data, specs } = await tf.io.encodeWeights(this.bestWeights.tensors.map((tensor, i) => ({ name: `w${i}`, tensor })));
      await writeFile(path.join(dir, BEST_WEIGHTS_BIN), new Uint8Array(data));
      state.bestWeights = { epoch: this.bestWeights.epoch, specs };
    }
    await writeFile(path.join(dir, CALLBACKS_JSON), JSON.stringify(state));
  }

  /**
   * Restores what {@link save} wrote, and the optimizer's rate. A checkpoint without
   * callbacks.json (the run had no callbacks when it was written) leaves everything fresh.
   */
  async restore(dir: string, optimizer: tf.Optimizer): Promise<CallbacksState | null> {
    const file = path.join(dir, CALLBACKS_JSON);
    if (!(await access(file).then(() => true, () => false))) return null;
    const state = JSON.parse(await readFile(file, 'utf8')) as CallbacksState;
    if (this.earlyStopping && state.earlyStopping) this.earlyStopping.state = { ...state.earlyStopping };
    if (this.reduceLR && state.reduceLROnPlateau) this.reduceLR.state = { ...state.reduceLROnPlateau };
    if (this.checkpoint && state.modelCheckpoint) this.checkpoint.state = { ...state.modelCheckpoint };
    if (state.learningRate !== null && learningRateOf(optimizer) !== undefined) setLearningRate(optimizer, state.learningRate);
    this.stopReason = state.stopReason ?? null;
    if (state.bestWeights && this.earlyStopping?.spec.restoreBestWeights) {
      const buf = await readFile(path.join(dir, BEST_WEIGHTS_BIN));
      const map = tf.io.decodeWeights(buf.buffer.slice(buf.byteOffset, buf.byteOffset + buf.byteLength) as ArrayBuffer, state.bestWeights.specs);
      this.disposeBest();
      this.bestWeights = { epoch: state.bestWeights.epoch, tensors: state.bestWeights.specs.map((s) => tf.keep(map[s.name])) };
    }
    return state;
  }

  private disposeBest() {
    if (this.bestWeights) tf.dispose(this.bestWeights.tensors);
    this.bestWeights = null;
  }

  dispose(): void {
    this.disposeBest();
  }
}
