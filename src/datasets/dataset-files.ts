import { open, readFile, stat } from 'node:fs/promises';
import path from 'node:path';
import type { WriteBudget } from './write-budget.ts';

/**
 * A ready dataset on disk, whatever format it was uploaded in: flat files in the dataset's
 * directory, read back by {@link readDatasetArrays} as preprocessed Float32 arrays.
 *
 * - `features.f32`: numSamples × prod(inputShape) little-endian Float32 values, row-major,
 *   already preprocessed (CSV: standardized);
 * - or `features.u8` instead (IDX, image zips): the same layout as unsigned pixel bytes, a quarter of the
 *   size on disk and against the team's quota; read back as byte × 1/255, exactly the floats
 *   (and the `scale` preprocessing) the Float32 form held.
 * - `targets.f32`:  numSamples × prod(targetShape) values. For single-label classification
 *   targetShape is [1] and each value is the class index; for regression and multi-label it
 *   holds the target values (multi-label: 0/1 per class).
 *
 * Flat files load into tensors with no parsing, which matters when a worker loads 60,000
 * images at the start of every run.
 */
export const FEATURES_FILE = 'features.f32';
export const FEATURES_U8_FILE = 'features.u8';
export const TARGETS_FILE = 'targets.f32';
/** What each byte of `features.u8` is multiplied by when read: pixels 0..255 → [0, 1]. */
export const U8_FEATURE_SCALE = 1 / 255;

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

export function featuresU8Path(datasetDir: string) {
  return path.join(datasetDir, FEATURES_U8_FILE);
}

export async function readDatasetArrays(datasetDir: string): Promise<DatasetArrays> {
  const [features, targets] = await Promise.all([readFeatures(datasetDir), readFloat32(targetsPath(datasetDir))]);
  return { features, targets };
}

async function readFeatures(datasetDir: string): Promise<Float32Array> {
  const bytes = await readFile(featuresU8Path(datasetDir)).catch((err: NodeJS.ErrnoException) => {
    if (err.code === 'ENOENT') return null;
    throw err;
  });
  if (!bytes) return readFloat32(featuresPath(datasetDir));
  const out = new Float32Array(bytes.length);
  for (let i = 0; i < bytes.length; i++) out[i] = bytes[i] * U8_FEATURE_SCALE;
  return out;
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
    /** Shared by every file of one upload: writing stops with its error once it is spent. */
    private readonly budget?: WriteBudget,
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
    try {
      this.budget?.spend(this.used * 4);
    } catch (err) {
      this.used = 0; // so close() can still close the file
      throw err;
    }
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

/** Appends raw bytes (IDX pixels) to a file as they stream in, spending the upload's budget. */
export class ByteFileWriter {
  private handle: Awaited<ReturnType<typeof open>> | null = null;

  constructor(
    private readonly file: string,
    private readonly budget?: WriteBudget,
  ) {}

  async push(bytes: Uint8Array): Promise<void> {
    this.budget?.spend(bytes.length);
    this.handle ??= await open(this.file, 'w');
    await this.handle.write(bytes);
  }

  async close(): Promise<number> {
    this.handle ??= await open(this.file, 'w');
    await this.handle.close();
    return (await stat(this.file)).size;
  }
}
