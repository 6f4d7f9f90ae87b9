import { open, readFile, stat } from 'node:fs/promises';
import path from 'node:path';

/**
 * A ready dataset on disk, whatever format it was uploaded in: two flat little-endian
 * Float32 files in the dataset's directory, already preprocessed.
 *
 * - `features.f32`: numSamples × prod(inputShape) values, row-major.
 * - `targets.f32`:  numSamples × prod(targetShape) values. For single-label classification
 *   targetShape is [1] and each value is the class index; for regression and multi-label it
 *   holds the target values (multi-label: 0/1 per class).
 *
 * Flat Float32 files load into tensors with no parsing, which matters when a worker loads
 * 60,000 images at the start of every run.
 */
export const FEATURES_FILE = 'features.f32';
export const TARGETS_FILE = 'targets.f32';

export interface DatasetArrays {
  features: Float32Array;
  targets: Float32Array;
}

export function featuresPath(datasetDir: string) {
  return path.join(datasetDir, FEATURES_FILE);
}

export function targetsPath(datasetDir: string) {
  return path.join(datasetDir, TARGETS_FILE);
}

export async function readDatasetArrays(datasetDir: string): Promise<DatasetArrays> {
  const [features, targets] = await Promise.all([readFloat32(featuresPath(datasetDir)), readFloat32(targetsPath(datasetDir))]);
  return { features, targets };
}

async function readFloat32(file: string): Promise<Float32Array> {
  const buf = await readFile(file);
  // Copy into an aligned buffer: Node's pooled Buffers may start at an odd byte offset.
  const out = new Float32Array(buf.byteLength / 4);
  new Uint8Array(out.buffer).set(buf);
  return out;
}

/** Appends Float32 rows to a file as they are parsed, so an upload never sits whole in memory. */
export class Float32FileWriter {
  private pending: Float32Array;
  private used = 0;
  private handle: Awaited<ReturnType<typeof open>> | null = null;
  valuesWritten = 0;

  constructor(
    private readonly file: string,
    chunkValues = 64 * 1024,
  ) {
    this.pending = new Float32Array(chunkValues);
  }

  async push(values: ArrayLike<number>): Promise<void> {
    for (let i = 0; i < values.length; i++) {
      if (this.used === this.pending.length) await this.flush();
      this.pending[this.used++] = values[i];
    }
  }

  async flush(): Promise<void> {
    if (this.used === 0) return;
    this.handle ??= await open(this.file, 'w');
    await this.handle.write(new Uint8Array(this.pending.buffer, 0, this.used * 4));
    this.valuesWritten += this.used;
    this.used = 0;
  }

  async close(): Promise<number> {
    await this.flush();
    this.handle ??= await open(this.file, 'w');
    await this.handle.close();
    return (await stat(this.file)).size;
  }
}
