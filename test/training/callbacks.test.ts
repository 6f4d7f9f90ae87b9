import * as tf from '@tensorflow/tfjs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { compileModel } from '../../src/model/compile-model.ts';
import type { OptimizerSpec } from '../../src/spec/compile-spec.schema.ts';
import { callbacksSpecSchema } from '../../src/spec/callbacks-spec.schema.ts';
import { EarlyStopping } from '../../src/training/callbacks/early-stopping.callback.ts';
import { scheduledLearningRate } from '../../src/training/callbacks/learning-rate-schedule.ts';
import { ModelCheckpoint } from '../../src/training/callbacks/model-checkpoint.callback.ts';
import { ReduceLROnPlateau } from '../../src/training/callbacks/reduce-lr-on-plateau.callback.ts';
import { TrainingCallbacks } from '../../src/training/callbacks/training-callbacks.ts';
import { learningRateOf, setLearningRate } from '../../src/training/learning-rate.ts';
import { removeTempDirs, tempDir } from './dataset-fixture.ts';

beforeAll(async () => {
  await tf.setBackend('cpu');
});
afterAll(removeTempDirs);

const OPTIMIZERS: OptimizerSpec[] = [
  { type: 'sgd', learningRate: 0.1 },
  { type: 'momentum', learningRate: 0.1 },
  { type: 'momentum', learningRate: 0.1, useNesterov: true },
  { type: 'adam', learningRate: 0.1 },
  { type: 'adagrad', learningRate: 0.1 },
  { type: 'rmsprop', learningRate: 0.1 },
  { type: 'adamax', learningRate: 0.1 },
  { type: 'adadelta', learningRate: 0.1 },
];

/** A one-unit linear model compiled with `optimizer`, and one fixed batch. */
function tinyModel(optimizer: OptimizerSpec) {
  const model = tf.sequential({ layers: [tf.layers.dense({ inputShape: [2], units: 1, kernelInitializer: 'ones', biasInitializer: 'zeros' })] });
  const opt = compileModel(model, { optimizer, loss: 'meanSquaredError' });
  const xs = tf.tensor2d([[1, 2], [3, 4], [-1, 0.5]]);
  const ys = tf.tensor2d([[0], [1], [2]]);
  const weights = () => model.getWeights().flatMap((w) => Array.from(w.dataSync()));
  const step = async () => void (await model.trainOnBatch(xs, ys));
  const dispose = () => {
    tf.dispose([xs, ys]);
    model.dispose();
    opt.dispose();
  };
  return { model, opt, weights, step, dispose };
}

const farFrom = (a: number[], b: number[]) => Math.max(...a.map((v, i) => Math.abs(v - b[i])));

describe('setLearningRate', () => {
  it.each(OPTIMIZERS.map((o) => [`${o.type}${'useNesterov' in o ? ' (nesterov)' : ''}`, o] as const))('changes the rate %s actually steps with', async (_, spec) => {
    const m = tinyModel(spec);
    try {
      // Warm up the slots (momentum, Adam moments) so a zero rate has something to move with.
      await m.step();
      setLearningRate(m.opt, 0);
      expect(learningRateOf(m.opt)).toBe(0);
      const before = m.weights();
      await m.step();
      expect(farFrom(m.weights(), before)).toBe(0);

      setLearningRate(m.opt, 0.05);
      expect(learningRateOf(m.opt)).toBe(0.05);
      const again = m.weights();
      await m.step();
      expect(farFrom(m.weights(), again)).toBeGreaterThan(1e-6);
    } finally {
      m.dispose();
    }
  });
});

describe('ReduceLROnPlateau', () => {
  it.each(OPTIMIZERS.map((o) => [o.type, o] as const))('lowers the %s rate after `patience` epochs on a plateau', async (_, spec) => {
    const m = tinyModel(spec);
    const callbacks = new TrainingCallbacks(callbacksSpecSchema.parse({ reduceLROnPlateau: { monitor: 'loss', factor: 0.5, patience: 2 } }), {
      defaultMonitor: 'loss',
      initialLearningRate: 0.1,
    });
    try {
      const rates: number[] = [];
      const logs: string[] = [];
      for (let epoch = 1; epoch <= 6; epoch++) {
        rates.push(learningRateOf(m.opt)!);
        const decision = callbacks.onEpochEnd(epoch, { loss: 1 }, m.model, m.opt);
        logs.push(...decision.logs.map((l) => l.message));
      }
      // Epoch 1 sets the best; 2 and 3 do not improve: the rate halves from epoch 4; 4, 5 → halves again from epoch 6.
      expect(rates).toEqual([0.1, 0.1, 0.1, 0.05, 0.05, 0.025]);
      expect(logs[0]).toBe('reduceLROnPlateau: loss stopped improving; learning rate 0.1 → 0.05 from epoch 4');
      // The new rate is the one the optimizer steps with.
      setLearningRate(m.opt, 0);
      const before = m.weights();
      await m.step();
      expect(farFrom(m.weights(), before)).toBe(0);
    } finally {
      callbacks.dispose();
      m.dispose();
    }
  });

  it('respects minDelta, cooldown and minLR', () => {
    const r = new ReduceLROnPlateau({ factor: 0.1, patience: 1, minDelta: 0.1, cooldown: 2, minLR: 0.005, mode: 'auto' }, 'val_loss');
    let lr = 1;
    const seen: number[] = [];
    for (const loss of [1, 0.95, 0.9, 0.85, 0.5, 0.49, 0.48, 0.47]) {
      const next = r.onEpochEnd({ val_loss: loss }, lr);
      if (typeof next === 'number') lr = next;
      seen.push(Number(lr.toPrecision(6)));
    }
    // 0.95 is not better by 0.1 → 0.1, then 2 cooldown epochs (Keras counts the second one
    // again); 0.85 and 0.5 improve; 0.49 → 0.01 and cooldown; 0.47 → 0.001, floored at 0.005.
    expect(seen).toEqual([1, 0.1, 0.1, 0.1, 0.1, 0.01, 0.01, 0.005]);
    expect(r.onEpochEnd({ loss: 1 }, lr)).toBeNull();
  });
});

describe('EarlyStopping', () => {
  const parse = (spec: object) => callbacksSpecSchema.parse({ earlyStopping: spec }).earlyStopping!;

  it('stops once `patience` epochs pass without an improvement bigger than minDelta', () => {
    const es = new EarlyStopping(parse({ patience: 2, minDelta: 0.01 }), 'val_loss');
    const values = [0.9, 0.5, 0.495, 0.6];
    const verdicts = values.map((v, i) => es.onEpochEnd(i + 1, { val_loss: v }));
    expect(verdicts).toEqual([
      { missing: false, improved: true },
      { missing: false, improved: true },
      { missing: false, improved: false },
      { missing: false, improved: false, stop: 'early stopping: val_loss did not improve by 0.01 for 2 epochs (best 0.5 at epoch 2)' },
    ]);
  });

  it('maximises accuracy in auto mode, and patience 0 stops at the first epoch without improvement', () => {
    const es = new EarlyStopping(parse({ monitor: 'val_accuracy' }), 'val_accuracy');
    expect(es.mode).toBe('max');
    expect(es.onEpochEnd(1, { val_acc: 0.5 })).toEqual({ missing: false, improved: true });
    expect(es.onEpochEnd(2, { val_acc: 0.7 })).toEqual({ missing: false, improved: true });
    expect(es.onEpochEnd(3, { val_acc: 0.6 })).toEqual({ missing: false, improved: false, stop: 'early stopping: val_accuracy did not improve for 1 epoch (best 0.7 at epoch 2)' });
    expect(es.onEpochEnd(4, { loss: 1 })).toEqual({ missing: true });
  });

  it('with a baseline, keeps counting until the baseline is beaten', () => {
    const es = new EarlyStopping(parse({ patience: 2, baseline: 0.3 }), 'loss');
    expect(es.onEpochEnd(1, { loss: 0.5 })).toMatchObject({ improved: true });
    expect(es.onEpochEnd(2, { loss: 0.4 })).toMatchObject({ improved: true });
    expect(es.onEpochEnd(3, { loss: 0.45 })).toMatchObject({ stop: 'early stopping: loss did not beat the baseline 0.3 for 3 epochs (best 0.4 at epoch 2)' });
  });
});

describe('ModelCheckpoint', () => {
  it('saves every N epochs, and with saveBestOnly only epochs that beat every saved one', () => {
    const every = new ModelCheckpoint({ mode: 'auto', saveBestOnly: false, everyEpochs: 3 }, 'loss');
    expect([1, 2, 3, 4, 5, 6].filter((e) => every.onEpochEnd(e, { loss: 1 }).save)).toEqual([3, 6]);
    const best = new ModelCheckpoint({ mode: 'auto', saveBestOnly: true, everyEpochs: 1 }, 'val_loss');
    const losses = [0.9, 0.8, 0.85, 0.7, 0.7, 0.75];
    expect(losses.map((l, i) => best.onEpochEnd(i + 1, { val_loss: l }).save)).toEqual([true, true, false, true, false, false]);
    expect(best.onEpochEnd(7, { loss: 0.1 })).toEqual({ save: false, missing: true });
  });
});

describe('learning-rate schedules', () => {
  it('compute the documented formulas per epoch', () => {
    const parse = (s: object) => callbacksSpecSchema.parse({ learningRateSchedule: s }).learningRateSchedule!;
    const rates = (s: object, n: number) => Array.from({ length: n }, (_, i) => Number(scheduledLearningRate(parse(s), 0.1, i + 1).toPrecision(6)));
    expect(rates({ type: 'stepDecay', factor: 0.5, everyEpochs: 2 }, 5)).toEqual([0.1, 0.1, 0.05, 0.05, 0.025]);
    expect(rates({ type: 'exponentialDecay', decayRate: 0.5 }, 3)).toEqual([0.1, 0.05, 0.025]);
    expect(rates({ type: 'exponentialDecay', decayRate: 0.25, decayEpochs: 2 }, 3)).toEqual([0.1, 0.05, 0.025]);
    expect(rates({ type: 'exponentialDecay', decayRate: 0.25, decayEpochs: 2, staircase: true }, 3)).toEqual([0.1, 0.1, 0.025]);
    expect(rates({ type: 'cosineDecay', decayEpochs: 4 }, 6)).toEqual([0.1, 0.0853553, 0.05, 0.0146447, 0, 0]);
    expect(rates({ type: 'cosineDecay', decayEpochs: 2, alpha: 0.1 }, 3)).toEqual([0.1, 0.055, 0.01]);
  });

  it('cannot be combined with reduceLROnPlateau', () => {
    const parsed = callbacksSpecSchema.safeParse({ reduceLROnPlateau: {}, learningRateSchedule: { type: 'stepDecay', everyEpochs: 2 } });
    expect(parsed.success).toBe(false);
    expect(parsed.error!.issues[0]).toMatchObject({ path: ['learningRateSchedule'] });
  });
});

describe('TrainingCallbacks state', () => {
  it('round-trips counters, the learning rate and the best weights through a checkpoint dir', async () => {
    const spec = callbacksSpecSchema.parse({
      earlyStopping: { monitor: 'loss', patience: 5, restoreBestWeights: true },
      reduceLROnPlateau: { monitor: 'loss', patience: 1, factor: 0.5 },
      modelCheckpoint: { monitor: 'loss', saveBestOnly: true },
    });
    const a = tinyModel({ type: 'adam', learningRate: 0.1 });
    const b = tinyModel({ type: 'adam', learningRate: 0.1 });
    const first = new TrainingCallbacks(spec, { defaultMonitor: 'loss', initialLearningRate: 0.1 });
    const second = new TrainingCallbacks(spec, { defaultMonitor: 'loss', initialLearningRate: 0.1 });
    try {
      first.onEpochEnd(1, { loss: 1 }, a.model, a.opt);
      const bestWeights = a.weights();
      await a.step();
      first.onEpochEnd(2, { loss: 1.5 }, a.model, a.opt);
      expect(learningRateOf(a.opt)).toBe(0.05);
      const dir = await tempDir();
      await first.save(dir, a.opt);

      const restored = await second.restore(dir, b.opt);
      expect(restored).toMatchObject({ version: 1, learningRate: 0.05, earlyStopping: { best: 1, bestEpoch: 1, wait: 1 }, reduceLROnPlateau: { best: 1, wait: 0 }, modelCheckpoint: { best: 1 } });
      expect(learningRateOf(b.opt)).toBe(0.05);
      expect(second.earlyStopping!.state).toEqual(first.earlyStopping!.state);
      // The restored snapshot is epoch 1's weights, and it is what restoreBest puts back.
      await b.step();
      expect(second.restoreBest(b.model, 2)).toBe('restored the weights of epoch 1 (best loss 1)');
      expect(b.weights()).toEqual(bestWeights);
      // The snapshot is a copy: training after it did not change it.
      expect(first.restoreBest(a.model, 2)).not.toBeNull();
      expect(a.weights()).toEqual(bestWeights);
    } finally {
      first.dispose();
      second.dispose();
      a.dispose();
      b.dispose();
    }
  });

  it('a checkpoint without callbacks.json restores nothing', async () => {
    const cb = new TrainingCallbacks(callbacksSpecSchema.parse({ earlyStopping: {} }), { defaultMonitor: 'loss', initialLearningRate: 0.1 });
    const m = tinyModel({ type: 'sgd', learningRate: 0.1 });
    try {
      expect(await cb.restore(await tempDir(), m.opt)).toBeNull();
      expect(cb.earlyStopping!.state).toEqual({ best: null, bestEpoch: null, wait: 0 });
    } finally {
      cb.dispose();
      m.dispose();
    }
  });
});
