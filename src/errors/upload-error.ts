import { AppError } from './app-error.ts';

/**
 * Our own errors and @fastify/multipart's limit errors (413s, with codes callers map) pass;
 * anything else busboy raised about the body ("Part terminated early", a malformed header) is
 * the client's malformed upload.
 */
export function asUploadError(err: unknown): unknown {
  if (err instanceof AppError) return err;
  const status = (err as { statusCode?: unknown })?.statusCode;
  if (typeof status === 'number' && status >= 400 && status < 500) return err;
  const reason = err instanceof Error ? err.message : String(err);
  return new AppError('INVALID_UPLOAD', `The multipart body is malformed: ${reason}`, { reason });
}
