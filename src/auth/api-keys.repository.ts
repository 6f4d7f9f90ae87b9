import type { DbTx } from '../db/prisma-client.ts';
import { apiKeyPrefix, generateApiKey, hashApiKey } from './api-key.ts';

export async function createApiKey(db: DbTx, teamId: string): Promise<{ id: string; key: string }> {
  const key = generateApiKey();
  const row = await db.apiKey.create({ data: { teamId, hash: hashApiKey(key), prefix: apiKeyPrefix(key) } });
  return { id: row.id, key };
}

/** The team of an active (not revoked) key, or null. */
export async function findTeamByKey(db: DbTx, key: string): Promise<{ id: string; name: string; keyId: string } | null> {
  const row = await db.apiKey.findUnique({ where: { hash: hashApiKey(key) }, include: { team: true } });
  if (!row || row.revokedAt) return null;
  return { id: row.team.id, name: row.team.name, keyId: row.id };
}

export async function revokeApiKey(db: DbTx, keyPrefixOrId: string): Promise<number> {
  const result = await db.apiKey.updateMany({
    where: { OR: [{ id: keyPrefixOrId }, { prefix: keyPrefixOrId }], revokedAt: null },
    data: { revokedAt: new Date() },
  });
  return result.count;
}

export function countActiveKeys(db: DbTx, teamId: string) {
  return db.apiKey.count({ where: { teamId, revokedAt: null } });
}

/** Which of `ids` are keys that exist and are not revoked. */
export async function findActiveKeyIds(db: DbTx, ids: string[]): Promise<Set<string>> {
  const rows = await db.apiKey.findMany({ where: { id: { in: ids }, revokedAt: null }, select: { id: true } });
  return new Set(rows.map((r) => r.id));
}
