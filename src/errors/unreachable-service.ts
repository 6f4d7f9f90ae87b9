/** SQLSTATEs of a PostgreSQL that is shutting down, starting up, or whose connection broke. */
const SQLSTATES = new Set(['57P01', '57P02', '57P03', '08000', '08001', '08003', '08004', '08006']);
/** Prisma's codes for a database it cannot reach, a closed connection, a pool that timed out. */
const PRISMA_CODES = new Set(['P1001', 'P1002', 'P1008', 'P1017', 'P2024']);
/** Socket errors of pg and ioredis when the server went away. */
const SOCKET_CODES = new Set(['ECONNREFUSED', 'ECONNRESET', 'EPIPE', 'ETIMEDOUT', 'EHOSTUNREACH']);
const MESSAGES = /Connection terminated|Connection is closed|connection is not open|the database system is (starting up|shutting down)|terminating connection due to administrator command|Reached the max retries per request limit/i;

/**
 * Whether `err` says PostgreSQL or Redis is unreachable right now (restarting, say), rather
 * than that the request was wrong: the API answers those 503 SERVICE_UNAVAILABLE with a
 * Retry-After, so clients retry instead of reporting a bug. Looks through wrapped causes.
 */
export function isUnreachableService(err: unknown): boolean {
  for (let e: unknown = err, depth = 0; e && typeof e === 'object' && depth < 6; depth++) {
    const { code, errorCode, message, cause } = e as { code?: unknown; errorCode?: unknown; message?: unknown; cause?: unknown };
    for (const c of [code, errorCode].map(String)) if (SQLSTATES.has(c) || PRISMA_CODES.has(c) || SOCKET_CODES.has(c)) return true;
    if (typeof message === 'string' && MESSAGES.test(message)) return true;
    e = cause ?? (e as { originalError?: unknown }).originalError;
  }
  return false;
}
