import type * as tf from '@tensorflow/tfjs';
import { stat } from 'node:fs/promises';
import path from 'node:path';
import { loadModelFromDir, MODEL_JSON } from '../model/file-model-io.ts';

/**
 * The few most recently used models, loaded once instead of per predict call. Keyed by
 * directory and model.json's mtime, so a model rewritten in place is reloaded; evicted
 * models are disposed, which frees their weights.
 */
export class ModelCache {
  private readonly entries = new Map<string, Promise<tf.LayersModel>>();

  constructor(private readonly capacity = 4) {}

  async get(dir: string): Promise<tf.LayersModel> {
    const { mtimeMs } = await stat(path.join(dir, MODEL_JSON));
    const key = `${dir}\0${mtimeMs}`;
    let entry = this.entries.get(key);
    if (entry) {
      this.entries.delete(key);
    } else {
      entry = loadModelFromDir(dir);
      // A failed load is not cached: the next call tries again.
      entry.catch(() => this.entries.get(key) === entry && this.entries.delete(key));
    }
    this.entries.set(key, entry);
    while (this.entries.size > this.capacity) {
      const [oldest, evicted] = this.entries.entries().next().value as [string, Promise<tf.LayersModel>];
      this.entries.delete(oldest);
      evicted.then((m) => m.dispose(), () => {});
    }
    return entry;
  }

  get size() {
    return this.entries.size;
  }
}
