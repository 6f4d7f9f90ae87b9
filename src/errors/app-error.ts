import { errorStatus, type ErrorCode } from './error-codes.ts';

/** The one error type the domain throws; the error handler turns it into `{ error: { code, message, details } }`. */
export class AppError extends Error {
  readonly statusCode: number;

  constructor(
    readonly code: ErrorCode,
    message: string,
    readonly details?: unknown,
    /** Extra answer hints; `retryAfterS` becomes a `Retry-After` header (429, 503). */
    readonly hints: { retryAfterS?: number } = {},
  ) {
    super(message);
    this.name = 'AppError';
    this.statusCode = errorStatus[code];
  }
}

export const notFound = (what: string) => new AppError('NOT_FOUND', `${what} not found`);
