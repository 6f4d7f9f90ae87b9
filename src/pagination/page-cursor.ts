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
  // Ids are uuids: anything else (a NUL byte PostgreSQL would choke on, say) is a forged cursor.
  if (extra !== undefined || !id || !isUuid(id) || Number.isNaN(createdAt.getTime())) {
    ctx.addIssue({ code: 'custom', message: 'Invalid cursor: pass back a nextCursor from a previous page' });
    return z.NEVER;
  }
  return { createdAt, id };
});
