import * as tf from '@tensorflow/tfjs';
import { readFile, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { dirSize, fileSaveHandler, loadModelFromDir, writeDirAtomically } from '../model/file-model-io.ts';

/**
 * A checkpoint is a model directory (model.json + weights.bin) plus the optimizer's state
 * (optimizer.json + optimizer.bin): its iteration count and per-weight slots (momentum,
 * Adam moments). Without the state a resumed run would restart Adam from zero moments
 * and take oversized steps, so resuming would not equal continuing.
 */
export const OPTIMIZER_JSON = 'optimizer.json';
export const OPTIMIZER_BIN = 'optimizer.bin';

interface OptimizerFile {
  className: string;
  weightSpecs: tf.io.WeightsManifestEntry[];
  /** Adam's and Adamax's running powers of beta1/beta2 (see {@link accumulatedBetas}). */
  accumulated?: Record<string, number>;
}

/**
 * Adam keeps beta1^t and beta2^t as variables multiplied by beta once per step, but its
 * setWeights recomputes them as pow(beta, t + 1), which differs in the last float32 bits:
 * a resumed run would drift from an uninterrupted one by ~1e-7. Saving the variables'
 * values and assigning them back keeps resuming bit-exact.
 */
const ACCUMULATED = ['accBeta1', 'accBeta2'] as const;
function accumulatedBetas(optimizer: tf.Optimizer): Partial<Record<(typeof ACCUMULATED)[number], tf.Variable>> {
  const o = optimizer as unknown as Record<string, unknown>;
  return Object.fromEntries(ACCUMULATED.filter((k) => o[k] instanceof tf.Variable).map((k) => [k, o[k] as tf.Variable]));
}

/**
 * Saves the model and, when given, its optimizer's state into `dir`; `extra` writes more
 * files into the same atomic directory (the callbacks' state). Returns the bytes written.
 */
export async function saveCheckpoint(model: tf.LayersModel, dir: string, optimizer?: tf.Optimizer, extra?: (tmp: string) => Promise<void>): Promise<number> {
  await writeDirAtomically(dir, async (tmp) => {
    await model.save(fileSaveHandler(tmp));
    if (optimizer) await saveOptimizerState(optimizer, tmp);
    await extra?.(tmp);
  });
  return dirSize(dir);
}

export async function saveOptimizerState(optimizer: tf.Optimizer, dir: string): Promise<void> {
  const weights = await optimizer.getWeights();
  try {
    const { data, specs } = await tf.io.encodeWeights(weights);
    // data(), not dataSync(): the webgpu backend cannot read synchronously in Node.
    const accumulated = Object.fromEntries(await Promise.all(Object.entries(accumulatedBetas(optimizer)).map(async ([k, v]) => [k, (await v.data())[0]])));
    const file: OptimizerFile = { className: optimizer.getClassName(), weightSpecs: specs, accumulated };
    await writeFile(path.join(dir, OPTIMIZER_BIN), new Uint8Array(data));
    await writeFile(path.join(dir, OPTIMIZER_JSON), JSON.stringify(file));
  } finally {
    // getWeights hands out the optimizer's live variables plus a fresh `iter` scalar: free only that one.
    for (const w of weights) if (w.name === 'iter') w.tensor.dispose();
  }
}

/**
 * Restores optimizer state saved by {@link saveOptimizerState} into a fresh optimizer of
 * the same class, compiled on a model with the same weights in the same order (tfjs
 * matches slots to variables by position).
 */
export async function loadOptimizerState(optimizer: tf.Optimizer, dir: string): Promise<void> {
  const file = JSON.parse(await readFile(path.join(dir, OPTIMIZER_JSON), 'utf8')) as OptimizerFile;
  if (file.className !== optimizer.getClassName()) {
    throw new Error(`checkpoint optimizer is ${file.className}, the run uses ${optimizer.getClassName()}`);
  }
  const buf = await readFile(path.join(dir, OPTIMIZER_BIN));
  const map = tf.io.decodeWeights(buf.buffer.slice(buf.byteOffset, buf.byteOffset + buf.byteLength) as ArrayBuffer, file.weightSpecs);
  const named = file.weightSpecs.map((spec) => ({ name: spec.name, tensor: map[spec.name] }));
  try {
    await optimizer.setWeights(named);
    // After setWeights, which overwrites them (older checkpoints lack the field: tfjs's values stay).
    for (const [name, variable] of Object.entries(accumulatedBetas(optimizer))) {
      const value = file.accumulated?.[name];
      if (value !== undefined) variable.assign(tf.scalar(value));
    }
  } finally {
    // setWeights copies the values into new variables.
    tf.dispose(Object.values(map));
  }
}

/** Loads a checkpoint's model (weights included); the optimizer state is restored after compiling. */
export async function loadCheckpointModel(dir: string): Promise<tf.LayersModel> {
  return loadModelFromDir(dir);
}
