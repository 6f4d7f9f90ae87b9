import type { DbTx } from '../src/db/prisma-client.ts';

/**
 * Which runs live workers own, read from PostgreSQL's lock table. The lock key is the hash
 * of run-lease.ts's `runKey` ('trainyard:run:<id>'), computed here in SQL.
 */
/** The ids among `runIds` that some live worker owns right now (holds the run's lock). */
export async function ownedRuns(db: DbTx, runIds: string[]): Promise<Set<string>> {
  if (runIds.length === 0) return new Set();
  // A bigint advisory key shows in pg_locks as classid = high 32 bits, objid = low 32 bits, objsubid = 1.
  const rows = await db.$queryRaw<{ id: string }[]>`
    SELECT r.id FROM unnest(${runIds}::text[]) AS r(id)
    WHERE EXISTS (
      SELECT 1 FROM pg_locks l
      WHERE l.locktype = 'advisory' AND l.granted AND l.objsubid = 1
        AND l.database = (SELECT oid FROM pg_database WHERE datname = current_database())
        AND l.classid::bigint = ((hashtextextended('trainyard:run:' || r.id, 0) >> 32) & 4294967295)
        AND l.objid::bigint = (hashtextextended('trainyard:run:' || r.id, 0) & 4294967295)
    )`;
  return new Set(rows.map((r) => r.id));
}
