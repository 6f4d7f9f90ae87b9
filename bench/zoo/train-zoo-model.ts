import * as tf from '@tensorflow/tfjs';
import { engineFallbackStats, resetEngineFallbackStats, type FallbackStat } from '../../src/engine/fallback-stats.ts';
import { buildModel } from '../../src/model/build-model.ts';
import { compileModel } from '../../src/model/compile-model.ts';
import type { ModelSpec } from '../../src/spec/layer-spec.schema.ts';
import type { CompileSpec } from '../../src/spec/compile-spec.schema.ts';
import { DataLoader, type Batch } from '../../src/training/data-loader.ts';
import { trainLoop } from '../../src/training/train-loop.ts';
import { trainStep } from '../../src/training/train-step.ts';
import { profileSteps, type StepProfile } from './kernel-profile.ts';

export interface ZooData {
  features: Float32Array;
  targets: Float32Array;
  numSamples: number;
}

export interface ZooTraining {
  /** Samples per second over the epochs after the first (the first pays warm-up). */
  samplesPerSec: number;
  /** Wall time of all epochs, milliseconds. */
  wallMs: number;
  /** Per epoch: loss, RSS in MB, live tensors. */
  epochs: { loss: number; rssMb: number; numTensors: number; samplesPerSec: number }[];
  /** The kernels that fell back during the measured epochs, with their share of the step time. */
  fallbacks: (FallbackStat & { share: number })[];
  /** With `profileSteps`: where the time of a step went, profiled after training. */
  profile?: StepProfile;
  model: tf.LayersModel;
}

export const ZOO_COMPILE: CompileSpec = { optimizer: { type: 'adam', learningRate: 0.001 }, loss: 'categoricalCrossentropy', metrics: ['accuracy'] };

/**
 * Trains `spec` on 28×28×1 images through the worker's own code path (buildModel,
 * compileModel, DataLoader, trainLoop) on the backend already selected, and reports speed,
 * memory per epoch and the engine's fallback kernels of the epochs after the first; with
 * `profileSteps`, then profiles that many more steps kernel by kernel (kernel-profile.ts).
 */
export async function trainZooModel(spec: ModelSpec, data: ZooData, options: { epochs: number; batchSize: number; seed?: number; profileSteps?: number }): Promise<ZooTraining> {
  const dataset = { inputShape: [28, 28, 1], targetShape: [1], numClasses: 10, task: 'classification' as const };
  const model = buildModel(spec, { ...dataset, loss: ZOO_COMPILE.loss, seed: options.seed ?? 42 });
  const optimizer = compileModel(model, ZOO_COMPILE);
  const loader = new DataLoader(data, {
    numSamples: data.numSamples,
    inputShape: dataset.inputShape,
    targetShape: dataset.targetShape,
    encoding: { kind: 'oneHot', numClasses: 10 },
    batchSize: options.batchSize,
    validationSplit: 0,
    shuffle: true,
    seed: options.seed ?? 42,
  });
  const epochs: ZooTraining['epochs'] = [];
  let measuredMs = 0;
  let measuredSamples = 0;
  const started = performance.now();
  let epochStarted = started;
  const outcome = await trainLoop({
    model,
    optimizer,
    loader,
    startEpoch: 1,
    totalEpochs: options.epochs,
    shouldStop: () => false,
    onEpochEnd: async (result) => {
      const now = performance.now();
      if (result.epoch === 1) resetEngineFallbackStats();
      else {
        measuredMs += now - epochStarted;
        measuredSamples += data.numSamples;
      }
      epochStarted = now;
      epochs.push({ loss: result.metrics.loss, rssMb: Math.round(process.memoryUsage().rss / 2 ** 20), numTensors: tf.memory().numTensors, samplesPerSec: result.samplesPerSec });
    },
  });
  if (outcome.status !== 'completed') throw new Error(`training stopped: ${JSON.stringify(outcome)}`);
  const profile = options.profileSteps ? await profileBatches(model, loader, options.profileSteps) : undefined;
  optimizer.dispose();
  const wallMs = performance.now() - started;
  const fallbacks = engineFallbackStats().map((f) => ({ ...f, share: measuredMs > 0 ? f.ms / measuredMs : 0 }));
  const samplesPerSec = measuredMs > 0 ? (measuredSamples / measuredMs) * 1000 : epochs[0].samplesPerSec;
  return { samplesPerSec, wallMs, epochs, fallbacks, profile, model };
}

/** `steps` more training steps on the batches of the epochs after the last, profiled; each batch is disposed after its step. */
async function profileBatches(model: tf.LayersModel, loader: DataLoader, steps: number): Promise<StepProfile> {
  let epoch = 1_000_000;
  let batches = loader.trainBatches(epoch)[Symbol.iterator]();
  return profileSteps(async () => {
    let next = batches.next();
    if (next.done) next = (batches = loader.trainBatches(++epoch)[Symbol.iterator]()).next();
    const batch = next.value as Batch;
    try {
      await trainStep(model, batch.xs, batch.ys, batch.sampleWeights);
    } finally {
      tf.dispose([batch.xs, batch.ys, ...(batch.sampleWeights ? [batch.sampleWeights] : [])]);
    }
  }, steps);
}
