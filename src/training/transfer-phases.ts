import type * as tf from '@tensorflow/tfjs';
import { layerNamesOf, phaseTrainableFrom, setTrainableFrom } from '../model/build-transfer-model.ts';
import type { CompileSpec } from '../spec/compile-spec.schema.ts';
import { summarizeModel } from '../model/model-summary.ts';
import type { TransferSpec } from '../spec/transfer-spec.schema.ts';
import { trainLoop, type TrainLoopOptions, type TrainOutcome } from './train-loop.ts';

/**
 * The phases of a transfer run (see transfer-spec.schema.ts): epochs numbered across the
 * whole run, phase p covering its own range. Entering a phase sets which layers train; the
 * caller then compiles with a new optimizer at the phase's rate, because tfjs fixes the
 * trainable weights (and an optimizer's slots, by position) when it compiles.
 */
export class TransferPhases {
  private constructor(
    private readonly transfer: TransferSpec,
    private readonly baseLayerNames: string[],
    /** Per phase, the first base layer that trains. */
    private readonly trainableFrom: number[],
  ) {}

  /** The plan for a run whose base is in `baseDir` (read again on resume, for its layer names). */
  static async load(baseDir: string, transfer: TransferSpec): Promise<TransferPhases> {
    const names = await layerNamesOf(baseDir);
    const kept = names.slice(0, names.length - transfer.popLayers);
    return new TransferPhases(transfer, kept, phaseTrainableFrom(transfer, kept));
  }

  /** 0-based phase of a 1-based epoch. */
  phaseOf(epoch: number): number {
    let end = 0;
    for (let p = 0; p < this.transfer.phases.length; p++) {
      end += this.transfer.phases[p].epochs;
      if (epoch <= end) return p;
    }
    return this.transfer.phases.length - 1;
  }

  /** First and last epoch (1-based, inclusive) of phase p. */
  range(p: number): [number, number] {
    const before = this.transfer.phases.slice(0, p).reduce((n, ph) => n + ph.epochs, 0);
    return [before + 1, before + this.transfer.phases[p].epochs];
  }

  /** Sets the trainable layers of the phase `epoch` falls in; returns that phase. Compile after this. */
  enter(model: tf.LayersModel, epoch: number): number {
    const p = this.phaseOf(epoch);
    setTrainableFrom(model, this.baseLayerNames, this.trainableFrom[p]);
    return p;
  }

  /** `compile` with phase p's learning rate. */
  compileSpec(compile: CompileSpec, p: number): CompileSpec {
    const rate = this.transfer.phases[p].learningRate;
    return rate === undefined ? compile : { ...compile, optimizer: { ...compile.optimizer, learningRate: rate } };
  }

  /**
   * A train loop over the phases from the one `startEpoch` is in: each phase runs as its own
   * `trainLoop` (epochs keep their run-wide numbers), with `phase` (1-based) in every epoch's
   * metrics and a log line announcing it. `nextOptimizer(p)` compiles the model for phase p
   * (after its trainable layers are set) and returns the new optimizer.
   */
  trainer(nextOptimizer: (p: number) => tf.Optimizer, log: (message: string) => void): (options: TrainLoopOptions) => Promise<TrainOutcome> {
    return async (options) => {
      const first = this.phaseOf(options.startEpoch);
      let optimizer = options.optimizer;
      let lastEpoch = options.startEpoch - 1;
      for (let p = first; p < this.transfer.phases.length; p++) {
        const [start, end] = this.range(p);
        if (p !== first) {
          this.enter(options.model, start);
          optimizer = nextOptimizer(p);
        }
        log(this.describe(options.model, p, optimizer));
        const outcome = await trainLoop({
          ...options,
          optimizer,
          startEpoch: Math.max(start, options.startEpoch),
          totalEpochs: Math.min(end, options.totalEpochs),
          onEpochEnd: (result) => options.onEpochEnd({ ...result, metrics: { ...result.metrics, phase: p + 1 } }),
        });
        if (outcome.status !== 'completed') return outcome;
        lastEpoch = outcome.lastEpoch;
      }
      return { status: 'completed', lastEpoch };
    };
  }

  private describe(model: tf.LayersModel, p: number, optimizer: tf.Optimizer): string {
    const [start, end] = this.range(p);
    const from = this.trainableFrom[p];
    const names = this.baseLayerNames;
    const what =
      from >= names.length
        ? 'feature extraction: the base is frozen, the head trains'
        : from === 0
          ? 'the whole base trains with the head'
          : `fine-tuning: base layers ${from}–${names.length - 1} ("${names[from]}" up) train with the head, layers 0–${from - 1} stay frozen`;
    const rate = (optimizer as unknown as { learningRate?: number }).learningRate;
    const trainable = summarizeModel(model).trainableParams;
    return `phase ${p + 1} of ${this.transfer.phases.length} (epochs ${start}–${end}): ${what}; ${trainable} trainable parameters${rate === undefined ? '' : `, learning rate ${rate}`}`;
  }
}
