import { createReadStream } from 'node:fs';
import { open } from 'node:fs/promises';
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
}

/**
 * The file's bytes, gunzipped on the fly when it starts with the gzip magic (clients send
 * MNIST's `.gz` files as downloaded, or raw ones). A corrupt or truncated gzip stream, or one
 * inflating past `maxBytes`, is the client's fault: INVALID_DATASET.
 */
export async function* readDecompressed(file: string, { part, maxBytes }: DecompressOptions): AsyncGenerator<Buffer> {
  const gzipped = await isGzipFile(file);
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
