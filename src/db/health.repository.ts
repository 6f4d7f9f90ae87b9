import type { DbTx } from './prisma-client.ts';

/** Resolves when PostgreSQL answers a query (GET /readyz). */
export async function pingDatabase(db: DbTx): Promise<void> {
  await db.$queryRaw`SELECT 1`;
}
