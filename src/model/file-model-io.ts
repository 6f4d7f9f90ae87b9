import * as tf from '@tensorflow/tfjs';
import { mkdir, readFile, rename, rm, stat, writeFile, readdir } from 'node:fs/promises';
import path from 'node:path';
// Loaded models must get the Conv2D that trains dilated kernels (a resumed run trains on).
import './trainable-conv2d.layer.ts';
// ...and must read back the activation tfjs saves as `gelu_new` (see gelu-new.activation.ts).
import './gelu-new.activation.ts';

/**
 * Models on disk in tfjs's layers format: `model.json` (topology + weights manifest) and
 * `weights.bin`, with the manifest path relative so the same files load over HTTP with
 * `tf.loadLayersModel(url)`. tfjs's own `file://` handler lives in tfjs-node, which is
 * optional, so the worker and the API share this one.
 */
export const MODEL_JSON = 'model.json';
export const WEIGHTS_BIN = 'weights.bin';

/** A tf.io handler that writes model.json + weights.bin into `dir` (created if missing). */
export function fileSaveHandler(dir: string): tf.io.IOHandler {
  return {
    async save(artifacts: tf.io.ModelArtifacts): Promise<tf.io.SaveResult> {
      await mkdir(dir, { recursive: true });
      const weights = artifacts.weightData ? tf.io.CompositeArrayBuffer.join(artifacts.weightData) : new ArrayBuffer(0);
      const modelJson: tf.io.ModelJSON = {
        modelTopology: artifacts.modelTopology!,
        format: artifacts.format,
        generatedBy: artifacts.generatedBy,
        convertedBy: artifacts.convertedBy,
        ...(artifacts.trainingConfig ? { trainingConfig: artifacts.trainingConfig } : {}),
        ...(artifacts.userDefinedMetadata ? { userDefinedMetadata: artifacts.userDefinedMetadata } : {}),
        weightsManifest: [{ paths: [WEIGHTS_BIN], weights: artifacts.weightSpecs ?? [] }],
      };
      await writeFile(path.join(dir, WEIGHTS_BIN), new Uint8Array(weights));
      await writeFile(path.join(dir, MODEL_JSON), JSON.stringify(modelJson));
      return { modelArtifactsInfo: { dateSaved: new Date(), modelTopologyType: 'JSON', weightDataBytes: weights.byteLength } };
    },
  };
}

/** A tf.io handler that reads model.json and the weight files its manifest names, all inside `dir`. */
export function fileLoadHandler(dir: string): tf.io.IOHandler {
  return {
    async load(): Promise<tf.io.ModelArtifacts> {
      const modelJson = JSON.parse(await readFile(path.join(dir, MODEL_JSON), 'utf8')) as tf.io.ModelJSON;
      return tf.io.getModelArtifactsForJSON(modelJson, async (manifest) => {
        const specs = manifest.flatMap((group) => group.weights);
        const buffers = await Promise.all(manifest.flatMap((group) => group.paths).map((p) => readInside(dir, p)));
        return [specs, buffers.length === 1 ? buffers[0] : buffers];
      });
    },
  };
}

/** Reads a file named by a manifest, refusing names that climb out of the model's directory. */
async function readInside(dir: string, name: string): Promise<ArrayBuffer> {
  const file = path.resolve(dir, name);
  if (path.dirname(file) !== path.resolve(dir)) throw new Error(`weights path ${JSON.stringify(name)} leaves the model directory`);
  const buf = await readFile(file);
  return buf.buffer.slice(buf.byteOffset, buf.byteOffset + buf.byteLength) as ArrayBuffer;
}

export async function loadModelFromDir(dir: string): Promise<tf.LayersModel> {
  return tf.loadLayersModel(fileLoadHandler(dir));
}

/**
 * Writes into `dir` atomically: `write` fills a sibling temp dir, which then replaces
 * `dir`, so a crash mid-write never leaves a half checkpoint that resume would trust.
 */
export async function writeDirAtomically(dir: string, write: (tmp: string) => Promise<void>): Promise<void> {
  const tmp = `${dir}.tmp-${process.pid}`;
  await rm(tmp, { recursive: true, force: true });
  await mkdir(tmp, { recursive: true });
  try {
    await write(tmp);
    await rm(dir, { recursive: true, force: true });
    await rename(tmp, dir);
  } catch (err) {
    await rm(tmp, { recursive: true, force: true });
    throw err;
  }
}

/** Bytes of the files directly in `dir`. */
export async function dirSize(dir: string): Promise<number> {
  const names = await readdir(dir);
  const sizes = await Promise.all(names.map(async (n) => (await stat(path.join(dir, n))).size));
  return sizes.reduce((a, b) => a + b, 0);
}
