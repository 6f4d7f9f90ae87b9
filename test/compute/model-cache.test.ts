import * as tf from '@tensorflow/tfjs';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ModelCache } from '../../src/compute/model-cache.ts';
import { buildModel } from '../../src/model/build-model.ts';
import { fileSaveHandler } from '../../src/model/file-model-io.ts';
import { removeTempDirs, tempDir } from '../training/dataset-fixture.ts';

async function savedModel(): Promise<string> {
  const model = buildModel({ layers: [{ type: 'dense', units: 1 }] }, { inputShape: [2], targetShape: [1], numClasses: null, task: 'regression' });
  const dir = path.join(await tempDir(), 'model');
  await model.save(fileSaveHandler(dir));
  model.dispose();
  return dir;
}

beforeAll(async () => {
  await tf.setBackend('cpu');
});

afterAll(removeTempDirs);

describe('ModelCache', () => {
  it('loads a model once and disposes the least recently used beyond capacity', async () => {
    const [a, b] = [await savedModel(), await savedModel()];
    const cache = new ModelCache(1);
    const first = await cache.get(a);
    expect(await cache.get(a)).toBe(first);
    const before = tf.memory().numTensors;
    await cache.get(b);
    await new Promise((resolve) => setImmediate(resolve));
    expect(cache.size).toBe(1);
    // b's two weights loaded, a's two freed.
    expect(tf.memory().numTensors).toBe(before);
    expect(await cache.get(a)).not.toBe(first);
  });

  it('does not cache a failed load', async () => {
    const cache = new ModelCache(2);
    await expect(cache.get(path.join(await tempDir(), 'missing'))).rejects.toThrow();
    expect(cache.size).toBe(0);
  });
});
