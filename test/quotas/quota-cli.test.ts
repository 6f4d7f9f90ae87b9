import { execFile } from 'node:child_process';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import request from 'supertest';
import { buildTestApp, createTeam, type TestApp } from '../helper.ts';
import { linearRun, uploadTable } from './fixtures.ts';

const run = promisify(execFile);

/** The admin CLI as an operator runs it, against the test database. */
function admin(args: string[]) {
  return run(process.execPath, ['--import', 'tsx', 'src/admin/cli.ts', ...args], { env: { ...process.env, DATABASE_URL: process.env.DATABASE_URL! } });
}

describe('admin set-quota / show-team', () => {
  let t: TestApp;
  beforeAll(async () => {
    t = await buildTestApp();
  });
  afterAll(async () => t?.close());

  it('sets limits the API enforces at once, shows them with the usage, and removes them with "none"', async () => {
    const team = await createTeam(t.config);
    const datasetId = (await uploadTable(t.app.server, team.auth)).body.id;
    expect((await request(t.app.server).post('/v1/runs').set(team.auth).send(linearRun(datasetId))).status).toBe(201);

    const set = JSON.parse((await admin(['set-quota', '--team', team.name, '--max-queued', '1', '--max-running', '2', '--max-stored-bytes', '1000000'])).stdout);
    expect(set).toMatchObject({
      name: team.name,
      quota: { maxRunningRuns: 2, maxQueuedRuns: 1, maxStoredBytes: 1_000_000 },
      usage: { runningRuns: 0, queuedRuns: 1, storedBytes: expect.any(Number) },
    });
    expect(set.usage.storedBytes).toBeGreaterThan(0);
    expect((await request(t.app.server).post('/v1/runs').set(team.auth).send(linearRun(datasetId))).status).toBe(429);

    const lifted = JSON.parse((await admin(['set-quota', '--team', team.name, '--max-queued', 'none'])).stdout);
    expect(lifted.quota).toEqual({ maxRunningRuns: 2, maxQueuedRuns: null, maxStoredBytes: 1_000_000 });
    expect((await request(t.app.server).post('/v1/runs').set(team.auth).send(linearRun(datasetId))).status).toBe(201);

    const shown = JSON.parse((await admin(['show-team', '--team', team.name])).stdout);
    expect(shown).toMatchObject({ quota: lifted.quota, usage: { queuedRuns: 2 }, activeKeys: 1 });
  });

  it('refuses bad values and unknown teams with a usage message, without a stack trace', async () => {
    const team = await createTeam(t.config);
    const cases: [string[], RegExp][] = [
      [['set-quota', '--team', team.name, '--max-queued', '-1'], /max-queued/],
      [['set-quota', '--team', team.name, '--max-queued=-1'], /--max-queued takes a non-negative integer or "none"/],
      [['set-quota', '--team', team.name, '--max-stored-bytes', '1e9'], /--max-stored-bytes takes a non-negative integer/],
      [['set-quota', '--team', team.name], /set-quota needs at least one of/],
      [['show-team', '--team', 'no-such-team-anywhere'], /no team named no-such-team-anywhere/],
    ];
    for (const [args, message] of cases) {
      const failure = await admin(args).then(
        () => null,
        (err: { code: number; stderr: string }) => err,
      );
      expect(failure?.code, args.join(' ')).toBe(1);
      expect(failure?.stderr).toMatch(new RegExp(`trainyard-admin: [^\\n]*${message.source}`));
      expect(failure?.stderr).not.toMatch(/\n\s+at /);
    }
  });
});
