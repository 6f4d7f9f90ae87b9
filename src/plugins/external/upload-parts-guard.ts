import type { Multipart } from '@fastify/multipart';
import type { FastifyRequest } from 'fastify';
import { AppError } from '../../errors/app-error.ts';
import { asUploadError } from '../../errors/upload-error.ts';

/**
 * Requests whose body was given up on (idle): their answer carries `Connection: close` and
 * their socket is destroyed once it is sent, since the rest of the body will never be read.
 */
export const abandonedBodies = new WeakSet<FastifyRequest>();

/**
 * Wraps `request.parts()` so that every way an upload can stall or break ends the iteration
 * with an error, which runs the caller's cleanup (its temporary files):
 *
 * - no byte for `idleMs` while the body is still arriving: 408 REQUEST_TIMEOUT (a body that
 *   never ends would otherwise hold its connection and files for as long as the client likes);
 * - the client gone before the body ended: INVALID_UPLOAD (nobody reads the answer, but the
 *   work stops at once instead of waiting on data that cannot come);
 * - a body that ends inside a part, or that busboy cannot parse: INVALID_UPLOAD, not a hang or a 500.
 *
 * The file stream of the part being read is destroyed with the same error, so a caller that is
 * piping it to disk fails too.
 */
export async function* guardUploadParts(request: FastifyRequest, parts: AsyncIterable<Multipart>, idleMs: number): AsyncGenerator<Multipart> {
  const raw = request.raw;
  let current: Multipart | undefined;
  let timer: NodeJS.Timeout | undefined;
  let failWith: (err: Error) => void = () => {};
  const failed = new Promise<never>((_, reject) => (failWith = reject));
  failed.catch(() => {});
  const fail = (err: Error) => {
    clearTimeout(timer);
    // A stream @fastify/multipart already destroyed (without an error) would leave a pipeline
    // from it waiting forever: tell its listeners directly.
    if (current?.type === 'file') current.file.destroyed ? current.file.emit('error', err) : current.file.destroy(err);
    failWith(err);
  };
  const arm = () => {
    clearTimeout(timer);
    timer = setTimeout(() => {
      abandonedBodies.add(request);
      fail(new AppError('REQUEST_TIMEOUT', `No upload data arrived for ${idleMs / 1000} s (UPLOAD_IDLE_TIMEOUT_S); send the body without pauses`));
    }, idleMs);
  };
  // Once the whole body is in, only what busboy has buffered is left to read. A body that ends
  // inside a part (no closing boundary) leaves that part's stream open forever, since busboy
  // reports it before the part reaches us; past the same bound it is a malformed body.
  const ended = () => {
    clearTimeout(timer);
    timer = setTimeout(() => fail(endedInsidePart()), idleMs);
  };
  const closed = () => {
    if (!raw.complete) fail(new AppError('INVALID_UPLOAD', 'The client closed the connection before the upload ended'));
  };
  raw.on('data', arm).once('end', ended).once('close', closed);
  // Parts are read lazily: the body may have ended, or the client gone, before this first runs.
  if (raw.complete) ended();
  else if (raw.destroyed) closed();
  else arm();
  try {
    const iterator = parts[Symbol.asyncIterator]();
    for (;;) {
      const next = await Promise.race([iterator.next(), failed]);
      if (next.done) return;
      current = next.value;
      // Destroyed before we got it: the body ended inside this part, and nothing would end its stream.
      if (current.type === 'file' && current.file.destroyed && !current.file.readableEnded) throw endedInsidePart();
      yield current;
    }
  } catch (err) {
    throw asUploadError(err);
  } finally {
    clearTimeout(timer);
    raw.off('data', arm).off('end', ended).off('close', closed);
  }
}

function endedInsidePart() {
  return new AppError('INVALID_UPLOAD', 'The multipart body ended inside a part: its closing boundary is missing');
}
