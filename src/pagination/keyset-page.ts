import { z } from 'zod';
import { encodeCursor, pageCursorSchema, type PageCursor } from './page-cursor.ts';

/** `?limit=&cursor=` of every list route: at most 100 a page, 50 by default. */
export const pageQuerySchema = z.object({
  limit: z.coerce.number().int().min(1).max(100).default(50),
  cursor: pageCursorSchema.optional(),
});
export type PageQuery = z.infer<typeof pageQuerySchema>;

export interface Page<T> {
  items: T[];
  /** Pass back as `cursor` for the next page; null on the last one. */
  nextCursor: string | null;
}

/** Newest first, the id breaking ties, so a cursor names one position exactly. */
export const NEWEST_FIRST = [{ createdAt: 'desc' as const }, { id: 'desc' as const }];

/** The `where` condition of the rows after `after` in {@link NEWEST_FIRST} order. */
export function afterCursor(after: PageCursor | undefined) {
  return after ? { OR: [{ createdAt: { lt: after.createdAt } }, { createdAt: after.createdAt, id: { lt: after.id } }] } : {};
}

/**
 * One page of a keyset listing: `fetch` reads up to `take` rows after the cursor; one row
 * more than the page tells whether another page exists without a count query.
 */
export async function keysetPage<Row extends PageCursor, Item>(
  query: PageQuery,
  fetch: (args: { take: number; after?: PageCursor }) => Promise<Row[]>,
  toItem: (row: Row) => Item,
): Promise<Page<Item>> {
  const rows = await fetch({ take: query.limit + 1, after: query.cursor });
  const page = rows.slice(0, query.limit);
  const last = page.at(-1);
  return { items: page.map(toItem), nextCursor: rows.length > query.limit && last ? encodeCursor(last) : null };
}
