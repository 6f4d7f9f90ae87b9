import { parseArgs } from 'node:util';
import { loadConfig } from '../config/config.ts';
import { createPrismaClient } from '../db/prisma-client.ts';
import { prepareDatabase } from '../db/prepare-database.ts';
import { checkServices } from '../startup/check-services.ts';
import { runMain, UsageError } from '../startup/run-main.ts';
import { upsertTeam } from '../teams/teams.repository.ts';
import { createApiKey, revokeApiKey } from '../auth/api-keys.repository.ts';
import { describeTeam, parseQuotaArgs } from '../quotas/quota-admin.ts';
import { findTeamByName, setTeamQuota } from '../quotas/quotas.repository.ts';

const usage = `Usage: npm run --silent admin -- <command>
  create-key --team NAME     create the team if needed; print a new API key alone on the last line
  revoke-key --key PREFIX|ID revoke a key (its prefix as shown at creation, or its id)
  set-quota --team NAME [--max-running N|none] [--max-queued N|none] [--max-stored-bytes N|none]
                             set the team's limits ("none" removes one); prints the team as show-team does
  show-team --team NAME      print the team's limits and current usage as JSON`;

runMain('trainyard-admin', async () => {
  const [command, ...rest] = process.argv.slice(2);
  const { values } = parseCommandLine(rest);
  const config = loadConfig();
  await checkServices(config);
  await prepareDatabase(config.databaseUrl);
  const db = createPrismaClient(config.databaseUrl);
  try {
    switch (command) {
      case 'create-key': {
        if (!values.team?.trim()) throw usageError('create-key needs --team NAME');
        const team = await upsertTeam(db, values.team.trim());
        const { key } = await createApiKey(db, team.id);
        console.error(`created a key for team "${team.name}" (${team.id}); it is shown only once:`);
        console.log(key);
        break;
      }
      case 'revoke-key': {
        if (!values.key) throw usageError('revoke-key needs --key PREFIX|ID');
        const count = await revokeApiKey(db, values.key);
        if (count === 0) throw usageError(`no active key matches ${values.key}`);
        console.log(`revoked ${count} key(s)`);
        break;
      }
      case 'set-quota':
      case 'show-team': {
        if (!values.team?.trim()) throw usageError(`${command} needs --team NAME`);
        const team = await findTeamByName(db, values.team.trim());
        if (!team) throw usageError(`no team named ${values.team.trim()}`);
        if (command === 'set-quota') {
          let quota;
          try {
            quota = parseQuotaArgs(values);
          } catch (err) {
            throw usageError((err as Error).message);
          }
          if (Object.keys(quota).length === 0) throw usageError('set-quota needs at least one of --max-running, --max-queued, --max-stored-bytes');
          await setTeamQuota(db, team.id, quota);
        }
        console.log(JSON.stringify(await describeTeam(db, team.id), null, 2));
        break;
      }
      default:
        throw usageError(command ? `unknown command ${command}` : 'no command given');
    }
  } finally {
    await db.$disconnect();
  }
});

function usageError(message: string): Error {
  console.error(usage);
  return new UsageError(message);
}

/** Flags of every command; a malformed one (unknown, missing its value) is a usage error, not a crash. */
function parseCommandLine(args: string[]) {
  try {
    return parseArgs({
      args,
      options: {
        team: { type: 'string' },
        key: { type: 'string' },
        'max-running': { type: 'string' },
        'max-queued': { type: 'string' },
        'max-stored-bytes': { type: 'string' },
      },
      strict: true,
    });
  } catch (err) {
    throw usageError((err as Error).message);
  }
}
