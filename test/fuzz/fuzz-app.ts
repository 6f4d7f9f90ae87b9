import request from 'supertest';
import { buildTestApp, createTeam, type TestApp } from '../helper.ts';
import { COURSE_TABLE } from '../datasets/fixtures/csv.ts';
import type { FuzzContext } from './request-arbitraries.ts';

/** Settings of the app under fuzzing: no rate limits (every request should reach its route), short upload stalls. */
export const FUZZ_APP_CONFIG = { METRICS_TOKEN: 'fuzz-metrics-token-not-guessable', RATE_LIMIT_PER_MINUTE: '0', AUTH_FAILURES_PER_MINUTE: '0', UPLOAD_IDLE_TIMEOUT_S: '0.2', BODY_LIMIT_BYTES: String(256 * 1024), UPLOAD_LIMIT_BYTES: String(256 * 1024) };

/** A real app (PostgreSQL, Redis, storage) with two teams, each with a dataset and a queued run. */
export async function startFuzzApp(): Promise<{ t: TestApp; ctx: FuzzContext }> {
  const t = await buildTestApp(FUZZ_APP_CONFIG);
  const own = await createTeam(t.config);
  const other = await createTeam(t.config);
  const seed = async (auth: Record<string, string>) => {
    const dataset = await request(t.app.server).post('/v1/datasets').set(auth).field('format', 'csv').field('label', 'y').field('task', 'regression').attach('file', Buffer.from(COURSE_TABLE), 't.csv');
    const run = await request(t.app.server)
      .post('/v1/runs')
      .set(auth)
      .send({ datasetId: dataset.body.id, model: { layers: [{ type: 'dense', units: 1 }] }, compile: { optimizer: { type: 'sgd', learningRate: 0.01 }, loss: 'meanSquaredError' }, fit: { epochs: 1, batchSize: 5 } });
    if (dataset.status !== 201 || run.status !== 201) throw new Error(`fuzz fixtures: dataset ${dataset.status}, run ${run.status}`);
    return [dataset.body.id as string, run.body.id as string];
  };
  const ids = [...(await seed(own.auth)), ...(await seed(other.auth))];
  return { t, ctx: { uuids: ids, pathIds: ids, authorization: own.auth.authorization, otherAuthorization: other.auth.authorization } };
}
