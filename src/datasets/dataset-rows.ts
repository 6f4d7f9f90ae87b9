import { open } from 'node:fs/promises';
import { featuresPath, featuresU8Path, targetsPath } from './dataset-files.ts';
import type { Preprocessing } from './preprocessing.ts';

/**
 * Reads chosen rows of a stored dataset back as the values the user uploaded: the bytes of
 * `features.u8` as they are, and `features.f32` with its preprocessing undone (CSV columns
 * un-standardized, image pixels back to 0..255). Row by row at their offsets, so a preview of a
 * large dataset reads kilobytes, not the whole file.
 */
export class DatasetRows {
  private constructor(
    private readonly handle: Awaited<ReturnType<typeof open>>,
    private readonly bytesPerValue: 1 | 4,
    private readonly rowValues: number,
    private readonly preprocessing: Preprocessing,
  ) {}

  static async open(dir: string, rowValues: number, preprocessing: Preprocessing): Promise<DatasetRows> {
    const u8 = await open(featuresU8Path(dir)).catch((err: NodeJS.ErrnoException) => {
      if (err.code === 'ENOENT') return null;
      throw err;
    });
    if (u8) return new DatasetRows(u8, 1, rowValues, { kind: 'none' });
    return new DatasetRows(await open(featuresPath(dir)), 4, rowValues, preprocessing);
  }

  /** `count` consecutive rows from `first`, flat, in uploaded units. */
  async read(first: number, count: number): Promise<Float64Array> {
    const buf = Buffer.alloc(count * this.rowValues * this.bytesPerValue);
    await this.handle.read(buf, 0, buf.length, first * this.rowValues * this.bytesPerValue);
    const out = new Float64Array(count * this.rowValues);
    for (let i = 0; i < out.length; i++) out[i] = this.bytesPerValue === 1 ? buf[i] : this.raw(buf.readFloatLE(i * 4), i % this.rowValues);
    return out;
  }

  private raw(value: number, column: number): number {
    const pre = this.preprocessing;
    if (pre.kind === 'scale') return pre.factor === 0 ? value : value / pre.factor;
    if (pre.kind === 'standardize') return value * pre.std[column] + pre.mean[column];
    return value;
  }

  close(): Promise<void> {
    return this.handle.close();
  }
}

/** Every sample's target values, flat (`numSamples × prod(targetShape)`). */
export async function readTargets(dir: string): Promise<Float32Array> {
  const handle = await open(targetsPath(dir));
  try {
    const { size } = await handle.stat();
    const buf = Buffer.alloc(size);
    await handle.read(buf, 0, size, 0);
    const out = new Float32Array(size / 4);
    for (let i = 0; i < out.length; i++) out[i] = buf.readFloatLE(i * 4);
    return out;
  } finally {
    await handle.close();
  }
}
