import * as tf from '@tensorflow/tfjs';
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import type { Test } from 'supertest';
import { fileSaveHandler } from '../../src/model/file-model-io.ts';

export interface ModelFiles {
  modelJson: Record<string, unknown> & { weightsManifest: { paths: string[]; weights: unknown[] }[] };
  /** Weight file name → bytes, as the manifest names them. */
  weights: Map<string, Buffer>;
}

/**
 * A small tfjs layers model (flatten → dense "features" → dense "classifier") saved the way
 * tfjs saves it, then re-sharded into `shards` files the way tensorflowjs_converter shards.
 */
export async function tinyModelFiles(inputShape: number[] = [4, 4, 1], shards = 2): Promise<ModelFiles> {
  const model = tf.sequential({
    layers: [
      tf.layers.flatten({ inputShape, name: 'flat' }),
      tf.layers.dense({ units: 3, activation: 'relu', name: 'features', kernelInitializer: tf.initializers.glorotUniform({ seed: 1 }) }),
      tf.layers.dense({ units: 2, activation: 'softmax', name: 'classifier', kernelInitializer: tf.initializers.glorotUniform({ seed: 2 }) }),
    ],
  });
  const dir = await mkdtemp(path.join(os.tmpdir(), 'trainyard-model-'));
  try {
    await model.save(fileSaveHandler(dir));
    const modelJson = JSON.parse(await readFile(path.join(dir, 'model.json'), 'utf8'));
    const all = await readFile(path.join(dir, 'weights.bin'));
    const size = Math.ceil(all.length / shards);
    const weights = new Map<string, Buffer>();
    for (let i = 0; i < shards; i++) weights.set(`group1-shard${i + 1}of${shards}.bin`, all.subarray(i * size, Math.min(all.length, (i + 1) * size)));
    modelJson.weightsManifest[0].paths = [...weights.keys()];
    return { modelJson, weights };
  } finally {
    model.dispose();
    await rm(dir, { recursive: true, force: true });
  }
}

/** Attaches a model's files to a `POST /v1/models` request, each weight file under its manifest name (or a renamed one). */
export function attachModel(req: Test, files: ModelFiles, rename: Record<string, string> = {}): Test {
  req.attach('model', Buffer.from(JSON.stringify(files.modelJson)), 'model.json');
  for (const [name, data] of files.weights) req.attach('weights', data, rename[name] ?? name);
  return req;
}
