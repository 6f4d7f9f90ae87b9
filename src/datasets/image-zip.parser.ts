import { AppError } from '../errors/app-error.ts';
import { ByteFileWriter, Float32FileWriter, U8_FEATURE_SCALE, featuresU8Path, targetsPath } from './dataset-files.ts';
import { decodeImage, probeImage, type DecodeTarget } from './image-decoder.ts';
import { imageFolderLayout } from './image-folder-layout.ts';
import type { ParsedDataset } from './parsed-dataset.ts';
import type { Preprocessing } from './preprocessing.ts';
import { ZipArchive, type ZipLimits } from './zip-archive.ts';
import type { WriteBudget } from './write-budget.ts';

/** Most Float32 feature bytes one image archive may become once loaded (a worker loads them whole). */
export const MAX_IMAGE_FEATURE_BYTES = 4 * 1024 ** 3;

/** What reading `features.u8` applies (see dataset-files.ts): recorded so predict scales input alike. */
const PIXEL_SCALE: Preprocessing = { kind: 'scale', factor: U8_FEATURE_SCALE };

export interface ImageZipOptions {
  /** Size every image is resized to; default: the first image's (in class, then file-name order). */
  width?: number;
  height?: number;
  /** Default: grayscale when every image is stored grayscale, else rgb. */
  color?: 'grayscale' | 'rgb';
}

/**
 * Converts a zip of class folders of PNG/JPEG images (see image-folder-layout.ts) into
 * `features.u8` (the decoded pixel bytes, height × width × channels per image, read back
 * scaled to [0, 1]: a quarter of Float32's disk and quota) and
 * `targets.f32` (class index). Headers are read first when the size or colour must be
 * learned from the images, then each image is decoded and resized in turn, so memory holds
 * one image at a time. Any undecodable image fails the upload with INVALID_IMAGE naming it.
 */
export async function parseImageZipDataset(zipFile: string, options: ImageZipOptions, limits: ZipLimits, outDir: string, budget?: WriteBudget): Promise<ParsedDataset> {
  const archive = await ZipArchive.open(zipFile, limits);
  try {
    const { classNames, images } = imageFolderLayout(archive.files);
    const target = await decodeTarget(archive, images.map((i) => i.file), options);
    const featureBytes = images.length * target.width * target.height * target.channels * 4;
    if (featureBytes > MAX_IMAGE_FEATURE_BYTES) {
      throw new AppError('INVALID_DATASET', `${images.length} images of ${target.width}×${target.height}×${target.channels} would take ${featureBytes} bytes, over ${MAX_IMAGE_FEATURE_BYTES}; choose a smaller width and height`, {
        numSamples: images.length,
        limit: MAX_IMAGE_FEATURE_BYTES,
      });
    }

    const features = new ByteFileWriter(featuresU8Path(outDir), budget);
    const targets = new Float32FileWriter(targetsPath(outDir), budget);
    try {
      for (const { file, label } of images) {
        const pixels = await decodeImage(await archive.read(file), file.path, target);
        await features.push(pixels);
        await targets.push([label]);
      }
    } catch (err) {
      // Close the files so the ingest can remove its staging dir.
      await Promise.all([features.close().catch(() => 0), targets.close().catch(() => 0)]);
      throw err;
    }
    const bytes = (await features.close()) + (await targets.close());
    return {
      task: 'classification',
      numSamples: images.length,
      inputShape: [target.height, target.width, target.channels],
      targetShape: [1],
      numClasses: classNames.length,
      classNames,
      preprocessing: PIXEL_SCALE,
      bytes,
    };
  } finally {
    archive.close();
  }
}

/** The size and channels every image becomes: from the options, else from the images' headers. */
async function decodeTarget(archive: ZipArchive, files: ZipArchive['files'], options: ImageZipOptions): Promise<DecodeTarget> {
  const needSize = options.width === undefined || options.height === undefined;
  const toProbe = options.color === undefined ? files : needSize ? files.slice(0, 1) : [];
  let first: { width: number; height: number } | undefined;
  let allGray = true;
  for (const file of toProbe) {
    const info = await probeImage(await archive.read(file), file.path);
    first ??= info;
    allGray &&= info.grayscale;
  }
  const color = options.color ?? (allGray ? 'grayscale' : 'rgb');
  return {
    width: options.width ?? first!.width,
    height: options.height ?? first!.height,
    channels: color === 'grayscale' ? 1 : 3,
  };
}
