import { createReadStream } from 'node:fs';
import { open, stat } from 'node:fs/promises';
import { createGunzip } from 'node:zlib';
import { AppError } from '../errors/app-error.ts';

const GZIP_MAGIC = [0x1f, 0x8b];

export async function isGzipFile(file: string): Promise<boolean> {
  const handle = await open(file, 'r');
  try {
    const head = Buffer.alloc(2);
    const { bytesRead } = await handle.read(head, 0, 2, 0);
    return bytesRead === 2 && head[0] === GZIP_MAGIC[0] && head[1] === GZIP_MAGIC[1];
  } finally {
    await handle.close();
  }
}

export interface DecompressOptions {
  /** Names the upload part in error messages, e.g. `images`. */
  part: string;
  /** Most bytes the content may inflate to; guards against gzip bombs. */
  maxBytes: number;
  /**
   * Highest inflated/compressed ratio, checked as the stream inflates (ZIP_MAX_COMPRESSION_RATIO).
   * Real data compresses 2-10:1; bombs 1000:1. The first MIN_BOMB_BYTES are always allowed, so a
   * small, very regular file (blank images) is not mistaken for a bomb.
   */
  maxRatio: number;
}

/** Inflated bytes allowed whatever the ratio: too few to hurt. */
export const MIN_BOMB_BYTES = 1024 * 1024;

/**
 * The file's bytes, gunzipped on the fly when it starts with the gzip magic (clients send
 * MNIST's `.gz` files as downloaded, or raw ones). A corrupt or truncated gzip stream, or one
 * inflating past `maxBytes`, is the client's fault: INVALID_DATASET; one inflating past
 * `maxRatio` times its size is stopped there, as it streams: ZIP_BOMB.
 */
export async function* readDecompressed(file: string, { part, maxBytes, maxRatio }: DecompressOptions): AsyncGenerator<Buffer> {
  const gzipped = await isGzipFile(file);
  const ratioLimit = gzipped ? Math.max(MIN_BOMB_BYTES, (await stat(file)).size * maxRatio) : Infinity;
  const input = createReadStream(file);
  const gunzip = gzipped ? createGunzip() : null;
  if (gunzip) {
    input.on('error', (err) => gunzip.destroy(err));
    input.pipe(gunzip);
  }
  let total = 0;
  try {
    for await (const chunk of (gunzip ?? input) as AsyncIterable<Buffer>) {
      total += chunk.length;
      if (total > maxBytes) {
        throw new AppError('INVALID_DATASET', `Part "${part}" holds more than ${maxBytes} bytes of data once decompressed`, { part, maxBytes });
      }
      if (total > ratioLimit) {
        throw new AppError('ZIP_BOMB', `Part "${part}" inflates beyond ${maxRatio}:1 (ZIP_MAX_COMPRESSION_RATIO): a gzip bomb`, { part, limit: maxRatio });
      }
      yield chunk;
    }
  } catch (err) {
    if (gunzip && isZlibError(err)) {
      throw new AppError('INVALID_DATASET', `Part "${part}" is not a valid gzip stream (${(err as Error).message})`, { part });
    }
    throw err;
  } finally {
    input.destroy();
    gunzip?.destroy();
  }
}

function isZlibError(err: unknown): boolean {
  const code = (err as { code?: unknown })?.code;
  return typeof code === 'string' && code.startsWith('Z_');
}
