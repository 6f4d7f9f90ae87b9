import type { DbTx } from '../db/prisma-client.ts';

export async function upsertTeam(db: DbTx, name: string) {
  return db.team.upsert({ where: { name }, create: { name }, update: {} });
}
