import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createApiKey, revokeApiKey } from '../../src/auth/api-keys.repository.ts';
import { KEY_REVOKED_CLOSE_CODE } from '../../src/auth/key-watch.ts';
import { createTeam } from '../helper.ts';
import { startStack, type Stack } from '../e2e/harness.ts';
import { uploadRegression } from '../e2e/durability-fixture.ts';
import { openStream, wsUrl } from '../events/event-fixtures.ts';
import { createExperiment, experimentBody } from './experiment-fixture.ts';

type Team = Awaited<ReturnType<typeof createTeam>>;
type Ev = { seq: number; type: string; experimentId: string; trialId?: string; status?: string; metric?: number };

/** WS /v1/experiments/:id/events over real training: what a user watching a sweep sees. */
describe('experiment events', () => {
  let stack: Stack;
  let team: Team;
  let datasetId: string;
  let driving: NodeJS.Timeout;

  beforeAll(async () => {
    stack = await startStack({ WORKER_CONCURRENCY: '2', WS_KEY_RECHECK_S: '0.2' });
    team = await createTeam(stack.config);
    datasetId = await uploadRegression(stack.app.server, team.auth, 200);
    driving = setInterval(() => void stack.app.experimentDriver.pass({ teamId: team.id }).catch(() => undefined), 100);
  });
  afterAll(async () => {
    clearInterval(driving);
    await stack?.close();
  });

  it('announces every trial created and completed and each new best, numbered without gap, and replays exactly with since=', async () => {
    const exp = await createExperiment(stack.app.server, team.auth, experimentBody(datasetId, { space: { 'compile.optimizer.learningRate': { type: 'choice', values: [0.0005, 0.02] } } }));
    const live = await openStream(wsUrl(stack.app, `/v1/experiments/${exp.id}/events`), { headers: team.auth });
    const all = (await live.until((es) => es.some((e) => (e as unknown as Ev).status === 'completed'), 180_000)) as unknown as Ev[];
    await live.close();

    expect(all.map((e) => e.seq)).toEqual(all.map((_, i) => i + 1));
    expect(all.every((e) => e.experimentId === exp.id)).toBe(true);
    const trials = await stack.app.db.trial.findMany({ where: { experimentId: exp.id } });
    const ofType = (type: string) => all.filter((e) => e.type === type);
    expect(ofType('trial_created').map((e) => e.trialId).sort()).toEqual(trials.map((t) => t.id).sort());
    expect(ofType('trial_completed').map((e) => e.trialId).sort()).toEqual(trials.map((t) => t.id).sort());
    const bests = ofType('new_best');
    expect(bests.length).toBeGreaterThanOrEqual(1);
    const done = await stack.app.db.experiment.findUniqueOrThrow({ where: { id: exp.id } });
    expect(bests.at(-1)).toMatchObject({ trialId: done.bestTrialId, metric: done.bestMetric });
    // A trial completes after it was created, and the experiment after all of them.
    for (const t of trials) expect(ofType('trial_completed').find((e) => e.trialId === t.id)!.seq).toBeGreaterThan(ofType('trial_created').find((e) => e.trialId === t.id)!.seq);
    expect(all.at(-1)!.type).toBe('status');

    // Resuming from the middle gives exactly the rest: no duplicate, no gap.
    const since = Math.floor(all.length / 2);
    const replay = await openStream(wsUrl(stack.app, `/v1/experiments/${exp.id}/events?since=${since}`), { headers: team.auth });
    const rest = await replay.until((es) => es.length >= all.length - since);
    await new Promise((r) => setTimeout(r, 200));
    expect(rest).toEqual(all.slice(since));
    await replay.close();
  }, 240_000);

  it("is a 404 for another team's key or an unknown id, a 401 without a key, and closes with 4401 once its key is revoked", async () => {
    const exp = await createExperiment(stack.app.server, team.auth, experimentBody(datasetId, { maxTrials: 1, space: { 'fit.batchSize': { type: 'choice', values: [16] } } }));
    const other = await createTeam(stack.config);
    await expect(openStream(wsUrl(stack.app, `/v1/experiments/${exp.id}/events`), { headers: other.auth })).rejects.toMatchObject({ statusCode: 404 });
    await expect(openStream(wsUrl(stack.app, '/v1/experiments/not-a-uuid/events'), { headers: team.auth })).rejects.toMatchObject({ statusCode: 404 });
    await expect(openStream(wsUrl(stack.app, `/v1/experiments/${exp.id}/events`))).rejects.toMatchObject({ statusCode: 401 });
    await expect(openStream(wsUrl(stack.app, `/v1/experiments/${exp.id}/events?since=-1`), { headers: team.auth })).rejects.toMatchObject({ statusCode: 400 });

    const doomed = await createApiKey(stack.app.db, team.id);
    const stream = await openStream(wsUrl(stack.app, `/v1/experiments/${exp.id}/events`), { protocols: [`bearer.${doomed.key}`] });
    await revokeApiKey(stack.app.db, doomed.id);
    expect(await stream.closed).toEqual({ code: KEY_REVOKED_CLOSE_CODE, reason: 'API key revoked' });
    await stack.app.inject({ method: 'POST', url: `/v1/experiments/${exp.id}/cancel`, headers: team.auth });
  }, 60_000);
});
