import type { AddressInfo } from 'node:net';
import { readdir } from 'node:fs/promises';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import request from 'supertest';
import { createPrismaClient } from '../../src/db/prisma-client.ts';
import { revokeApiKey } from '../../src/auth/api-keys.repository.ts';
import { createApiKey } from '../../src/auth/api-keys.repository.ts';
import { buildTestApp, createTeam, type TestApp } from '../helper.ts';
import { COURSE_TABLE } from '../datasets/fixtures/csv.ts';
import { accessCases, datasetCases, HOSTILE_APP_CONFIG, inputCases, ownRunCases, runCases, runIdCases, runSpec, type HostileCase, type HostileContext } from './hostile-cases.ts';

/** Every file and folder under the storage root, `tmp/` included. */
async function filesUnder(root: string): Promise<string[]> {
  const entries = await readdir(root, { recursive: true, withFileTypes: true }).catch(() => []);
  return entries.map((e) => path.relative(root, path.join(e.parentPath, e.name))).sort();
}

/**
 * One table for every endpoint, one invariant for every case: a 4xx with a stable code in the
 * error envelope, nothing created (no row of either team, no file under STORAGE_DIR, no job),
 * and the service still healthy and answering a normal request afterwards.
 */
describe('hostile input corpus', () => {
  let t: TestApp;
  let c: HostileContext;
  let teamIds: string[];

  /** Everything a request could have created: rows of the two teams (other test files share the database), files, jobs. */
  async function state() {
    const db = t.app.db;
    const where = { teamId: { in: teamIds } };
    const [datasets, runs, events, keys, checkpoints, epochs, files, jobs] = await Promise.all([
      db.dataset.count({ where }),
      db.run.count({ where }),
      db.runEvent.count({ where }),
      db.apiKey.count({ where: { ...where, revokedAt: null } }),
      db.checkpoint.count({ where: { run: where } }),
      db.epochMetric.count({ where: { run: where } }),
      filesUnder(t.config.storageDir),
      t.app.queues.train.getJobCounts(),
    ]);
    return { datasets, runs, events, keys, checkpoints, epochs, files, jobs };
  }

  beforeAll(async () => {
    t = await buildTestApp(HOSTILE_APP_CONFIG);
    await t.app.listen({ port: 0, host: '127.0.0.1' });
    const team = await createTeam(t.config);
    const other = await createTeam(t.config);
    teamIds = [team.id, other.id];
    const db = createPrismaClient(t.config.databaseUrl);
    const revoked = await createApiKey(db, team.id);
    await revokeApiKey(db, revoked.id);
    await db.$disconnect();

    const setup = async (auth: Record<string, string>) => {
      const dataset = await request(t.app.server).post('/v1/datasets').set(auth).field('format', 'csv').field('label', 'y').field('task', 'regression').attach('file', Buffer.from(COURSE_TABLE), 't.csv');
      expect(dataset.status).toBe(201);
      const run = await request(t.app.server).post('/v1/runs').set(auth).send(runSpec(dataset.body.id));
      expect(run.status).toBe(201);
      return { datasetId: dataset.body.id as string, runId: run.body.id as string };
    };
    const own = await setup(team.auth);
    const theirs = await setup(other.auth);
    const { port } = t.app.server.address() as AddressInfo;
    c = {
      server: t.app.server,
      wsUrl: `ws://127.0.0.1:${port}`,
      auth: team.auth,
      revokedAuth: { authorization: `Bearer ${revoked.key}` },
      ...own,
      otherDatasetId: theirs.datasetId,
      otherRunId: theirs.runId,
    };
  });
  afterAll(async () => t?.close());

  const table: [string, HostileCase[]][] = [
    ['POST/GET/DELETE /v1/datasets', datasetCases],
    ['POST/GET /v1/runs', runCases],
    ['/v1/runs/:id/*', runIdCases],
    ["the team's own run", ownRunCases],
    ['authentication and streams', accessCases],
    ['input that once answered 500', inputCases],
  ];

  describe.each(table)('%s', (_group, cases) => {
    it.each(cases)('$name → $status $code', async ({ send, status, code }) => {
      const before = await state();
      const res = await send(c);
      expect(res.status).toBe(status);
      expect(res.body.error?.code).toBe(code);
      expect(res.body.error?.message).toEqual(expect.any(String));

      expect(await state()).toEqual(before);
      expect((await request(t.app.server).get('/readyz')).status).toBe(200);
      const normal = await request(t.app.server).get(`/v1/datasets/${c.datasetId}`).set(c.auth);
      expect(normal.status).toBe(200);
      expect(normal.body.id).toBe(c.datasetId);
    });
  });
});
