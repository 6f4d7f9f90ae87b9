import type { Db } from '../db/prisma-client.ts';

export interface TeamCount {
  team: string;
  status: string;
  count: number;
}

export interface TeamBytes {
  team: string;
  kind: 'datasets' | 'base_models' | 'checkpoints';
  bytes: number;
}

/** Runs by status and team (by name: ids would mean nothing on a dashboard). */
export async function countRunsByTeamAndStatus(db: Db): Promise<TeamCount[]> {
  const [groups, names] = await Promise.all([db.run.groupBy({ by: ['teamId', 'status'], _count: { _all: true } }), teamNames(db)]);
  return groups.map((g) => ({ team: names.get(g.teamId) ?? g.teamId, status: g.status, count: g._count._all }));
}

/** What each team keeps in storage: its datasets, its uploaded base models and its runs' checkpoints. */
export async function storedBytesByTeam(db: Db): Promise<TeamBytes[]> {
  const [datasets, baseModels, checkpoints, names] = await Promise.all([
    db.dataset.groupBy({ by: ['teamId'], _sum: { bytes: true } }),
    db.baseModel.groupBy({ by: ['teamId'], _sum: { bytes: true } }),
    // Checkpoints belong to runs: one grouped join instead of a row per checkpoint.
    db.$queryRaw<{ teamId: string; bytes: bigint | null }[]>`SELECT r."teamId", SUM(c."sizeBytes")::bigint AS bytes FROM "Checkpoint" c JOIN "Run" r ON r."id" = c."runId" GROUP BY r."teamId"`,
    teamNames(db),
  ]);
  const name = (teamId: string) => names.get(teamId) ?? teamId;
  return [
    ...datasets.map((d) => ({ team: name(d.teamId), kind: 'datasets' as const, bytes: Number(d._sum.bytes ?? 0n) })),
    ...baseModels.map((m) => ({ team: name(m.teamId), kind: 'base_models' as const, bytes: Number(m._sum.bytes ?? 0n) })),
    ...checkpoints.map((c) => ({ team: name(c.teamId), kind: 'checkpoints' as const, bytes: Number(c.bytes ?? 0n) })),
  ];
}

async function teamNames(db: Db): Promise<Map<string, string>> {
  const teams = await db.team.findMany({ select: { id: true, name: true } });
  return new Map(teams.map((t) => [t.id, t.name]));
}
