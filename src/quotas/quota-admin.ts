import type { DbTx } from '../db/prisma-client.ts';
import { countTeamRuns, findTeamOrThrow, teamStoredBytes, type TeamQuota } from './quotas.repository.ts';
import { countActiveKeys } from '../auth/api-keys.repository.ts';

/** One limit as typed on the command line: a non-negative integer, or `none` to remove it. */
function parseLimit(flag: string, raw: string): bigint | null {
  if (raw.trim().toLowerCase() === 'none') return null;
  if (!/^\d+$/.test(raw.trim())) throw new Error(`--${flag} takes a non-negative integer or "none", got ${JSON.stringify(raw)}`);
  return BigInt(raw.trim());
}

/** `set-quota` flags → the limits to change (absent flags are left as they are). */
export function parseQuotaArgs(values: { 'max-running'?: string; 'max-queued'?: string; 'max-stored-bytes'?: string }): Partial<TeamQuota> {
  const quota: Partial<TeamQuota> = {};
  const runs = (flag: 'max-running' | 'max-queued') => {
    const limit = parseLimit(flag, values[flag]!);
    if (limit !== null && limit > 2_147_483_647n) throw new Error(`--${flag} is at most 2147483647`);
    return limit === null ? null : Number(limit);
  };
  if (values['max-running'] !== undefined) quota.maxRunningRuns = runs('max-running');
  if (values['max-queued'] !== undefined) quota.maxQueuedRuns = runs('max-queued');
  if (values['max-stored-bytes'] !== undefined) quota.maxStoredBytes = parseLimit('max-stored-bytes', values['max-stored-bytes']);
  return quota;
}

/** What `show-team` prints: the limits (null: unlimited) beside what the team uses now. */
export async function describeTeam(db: DbTx, teamId: string) {
  const team = await findTeamOrThrow(db, teamId);
  const [running, queued, stored, keys] = await Promise.all([
    countTeamRuns(db, teamId, 'running'),
    countTeamRuns(db, teamId, 'queued'),
    teamStoredBytes(db, teamId),
    countActiveKeys(db, teamId),
  ]);
  return {
    id: team.id,
    name: team.name,
    quota: {
      maxRunningRuns: team.maxRunningRuns,
      maxQueuedRuns: team.maxQueuedRuns,
      maxStoredBytes: team.maxStoredBytes === null ? null : Number(team.maxStoredBytes),
    },
    usage: { runningRuns: running, queuedRuns: queued, storedBytes: Number(stored) },
    activeKeys: keys,
  };
}
