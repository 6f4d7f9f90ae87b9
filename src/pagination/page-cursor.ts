import { z } from 'zod';
import { isUuid } from '../db/is-uuid.ts';

/** Position after the last item of a page, in newest-first order. */
export interface PageCursor {
  createdAt: Date;
  id: string;
}

/**
 * Opaque keyset cursor (base64url of `createdAt|id`): unlike an offset, or a bare id that
 * must still exist, it stays valid when items before it are added or deleted.
 */
export function encodeCursor({ createdAt, id }: PageCursor): string {
  return Buffer.from(`${createdAt.toISOString()}|${id}`).toString('base64url');
}

export const pageCursorSchema = z.string().transform((text, ctx): PageCursor => {
  const [iso, id, extra] = Buffer.from(text, 'base64url').toString('utf8').split('|');
  const createdAt = new Date(iso ?? '');
  // Only what encodeCursor writes is a cursor: a uuid (a NUL byte would fail the query) and a
  // timestamp that round-trips through toISOString. That also keeps the date within years
  // 0000-9999, where PostgreSQL's timestamp agrees with JavaScript's Date (+275760 does not).
  if (extra !== undefined || !id || !isUuid(id) || !isStoredTimestamp(iso, createdAt)) {
    ctx.addIssue({ code: 'custom', message: 'Invalid cursor: pass back a nextCursor from a previous page' });
    return z.NEVER;
  }
  return { createdAt, id };
});

function isStoredTimestamp(iso: string | undefined, date: Date): boolean {
  return !Number.isNaN(date.getTime()) && date.getTime() >= 0 && date.getUTCFullYear() <= 9999 && date.toISOString() === iso;
}
