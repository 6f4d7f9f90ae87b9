import { AppError } from '../errors/app-error.ts';
import { ByteFileWriter, Float32FileWriter, U8_FEATURE_SCALE, featuresU8Path, targetsPath } from './dataset-files.ts';
import { readDecompressed } from './decompressed-stream.ts';
import { openIdx, type IdxFile } from './idx-reader.ts';
import type { ParsedDataset } from './parsed-dataset.ts';
import type { Preprocessing } from './preprocessing.ts';
import type { WriteBudget } from './write-budget.ts';

/**
 * Most pixel bytes one upload may declare: 1 GiB is 1.3 million 28×28 images, and becomes
 * 4 GiB of Float32 features that a worker must still load. Also bounds what a gzip bomb
 * can inflate to, since the data may never exceed its header.
 */
export const MAX_IDX_BYTES = 1024 ** 3;

/** What reading `features.u8` applies (see dataset-files.ts): recorded so predict scales input alike. */
const PIXEL_SCALE: Preprocessing = { kind: 'scale', factor: U8_FEATURE_SCALE };

export interface IdxParseOptions {
  /** Highest decompressed/compressed ratio a gzipped part may reach (gzip bomb guard). */
  maxCompressionRatio: number;
  /** The upload's share of the team's storage quota, spent as files are written. */
  budget?: WriteBudget;
}

/**
 * Converts MNIST-style IDX files (each raw or gzipped) into `features.u8` (the pixel bytes,
 * read back scaled to [0, 1]) and `targets.f32` (label = class index) in `outDir`. Both headers are read
 * before any data, so mismatched counts fail before work is done.
 */
export async function parseIdxDataset(imagesFile: string, labelsFile: string, outDir: string, options: IdxParseOptions): Promise<ParsedDataset> {
  const { maxCompressionRatio: maxRatio, budget } = options;
  const labels = await openIdx(readDecompressed(labelsFile, { part: 'labels', maxBytes: MAX_IDX_BYTES, maxRatio }), { part: 'labels', ndims: [1], maxLength: MAX_IDX_BYTES });
  let images: IdxFile | undefined;
  try {
    images = await openIdx(readDecompressed(imagesFile, { part: 'images', maxBytes: MAX_IDX_BYTES, maxRatio }), { part: 'images', ndims: [3, 4], maxLength: MAX_IDX_BYTES });
    const numSamples = images.dims[0];
    if (labels.dims[0] !== numSamples) {
      throw new AppError('INVALID_DATASET', `images holds ${numSamples} samples but labels holds ${labels.dims[0]}`, { images: numSamples, labels: labels.dims[0] });
    }
    const [, height, width, channels = 1] = images.dims;
    const { bytes: targetBytes, maxLabel } = await writeLabels(labels, targetsPath(outDir), budget);
    const featureBytes = await writePixels(images, featuresU8Path(outDir), budget);
    return {
      task: 'classification',
      numSamples,
      inputShape: [height, width, channels],
      targetShape: [1],
      numClasses: maxLabel + 1,
      // Labels are class indices already: class i is named "i", even if no sample has it.
      classNames: Array.from({ length: maxLabel + 1 }, (_, i) => String(i)),
      preprocessing: PIXEL_SCALE,
      bytes: featureBytes + targetBytes,
    };
  } finally {
    await Promise.all([labels.close(), images?.close()]);
  }
}

async function writeLabels(labels: IdxFile, file: string, budget?: WriteBudget): Promise<{ bytes: number; maxLabel: number }> {
  const out = new Float32FileWriter(file, budget);
  let maxLabel = 0;
  try {
    for await (const chunk of labels.body) {
      for (const label of chunk) if (label > maxLabel) maxLabel = label;
      await out.push(chunk);
    }
  } catch (err) {
    await out.close().catch(() => undefined);
    throw err;
  }
  return { bytes: await out.close(), maxLabel };
}

async function writePixels(images: IdxFile, file: string, budget?: WriteBudget): Promise<number> {
  const out = new ByteFileWriter(file, budget);
  try {
    for await (const chunk of images.body) await out.push(chunk);
  } catch (err) {
    await out.close().catch(() => undefined);
    throw err;
  }
  return out.close();
}
