import * as tf from '@tensorflow/tfjs';
import { readFile, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { dirSize, fileSaveHandler, loadModelFromDir, writeDirAtomically } from '../../src/model/file-model-io.ts';

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
    const file: OptimizerFile = { className: optimizer.getClassName(), weightSpecs: specs };
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
  } finally {
    // setWeights copies the values into new variables.
    tf.dispose(Object.values(map));
  }
}

/** Loads a checkpoint's model (weights included); the optimizer state is restored after compiling. */
export async function loadCheckpointModel(dir: string): Promise<tf.LayersModel> {
  return loadModelFromDir(dir);
}
