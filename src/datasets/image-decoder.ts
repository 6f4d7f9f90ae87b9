import sharp, { type Metadata } from 'sharp';
import { AppError } from '../errors/app-error.ts';

/**
 * Decodes PNG and JPEG images with sharp (libvips, shipped prebuilt as npm packages, so it
 * installs offline from the registry). sharp works on libuv's thread pool, so decoding does
 * not block the API's event loop.
 */

/** Largest image we agree to decode (a 6000×6000 photo); a tiny PNG can declare billions of pixels. */
export const MAX_IMAGE_PIXELS = 36_000_000;

export const IMAGE_FORMATS = ['png', 'jpeg'] as const;

export interface ImageInfo {
  width: number;
  height: number;
  /** Stored as one grey channel (with or without alpha). */
  grayscale: boolean;
}

export interface DecodeTarget {
  width: number;
  height: number;
  /** 1 (grayscale) or 3 (RGB); alpha is dropped, as Keras's `load_img` does. */
  channels: 1 | 3;
}

/** Reads an image's header: its size and colour space. INVALID_IMAGE names `file` when it is not a PNG/JPEG we can take. */
export async function probeImage(data: Buffer, file: string): Promise<ImageInfo> {
  let meta: Metadata;
  try {
    meta = await sharp(data, { limitInputPixels: MAX_IMAGE_PIXELS }).metadata();
  } catch (err) {
    throw invalidImage(file, (err as Error).message);
  }
  if (!(IMAGE_FORMATS as readonly string[]).includes(meta.format ?? '')) {
    throw invalidImage(file, `it is ${meta.format ?? 'an unknown format'}, not PNG or JPEG`);
  }
  if (!meta.width || !meta.height) throw invalidImage(file, 'it has no size');
  if (meta.width * meta.height > MAX_IMAGE_PIXELS) throw invalidImage(file, `${meta.width}×${meta.height} is over ${MAX_IMAGE_PIXELS} pixels`);
  return { width: meta.width, height: meta.height, grayscale: meta.space === 'b-w' || meta.space === 'grey16' };
}

/**
 * The image's pixels resized to the target (stretched to fill, bilinear, as Keras's
 * `image_dataset_from_directory`), row-major height × width × channels, 0..255.
 */
export async function decodeImage(data: Buffer, file: string, target: DecodeTarget): Promise<Uint8Array> {
  await probeImage(data, file);
  try {
    const { data: pixels, info } = await sharp(data, { limitInputPixels: MAX_IMAGE_PIXELS, failOn: 'error' })
      .resize(target.width, target.height, { fit: 'fill', kernel: 'linear' })
      .removeAlpha()
      .toColourspace(target.channels === 1 ? 'b-w' : 'srgb')
      .raw()
      .toBuffer({ resolveWithObject: true });
    if (info.channels !== target.channels || info.width !== target.width || info.height !== target.height) {
      throw new Error(`decoded to ${info.width}×${info.height}×${info.channels}, expected ${target.width}×${target.height}×${target.channels}`);
    }
    return new Uint8Array(pixels.buffer, pixels.byteOffset, pixels.byteLength);
  } catch (err) {
    throw invalidImage(file, (err as Error).message);
  }
}

function invalidImage(file: string, reason: string): AppError {
  return new AppError('INVALID_IMAGE', `image ${JSON.stringify(file)} cannot be used: ${reason}`, { file, reason });
}
