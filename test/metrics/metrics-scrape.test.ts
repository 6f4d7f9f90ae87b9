import request from 'supertest';
import WebSocket from 'ws';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildTestApp, createTeam } from '../helper.ts';
import { slowRunSpec, submitRun, uploadRegression, waitFor } from '../e2e/durability-fixture.ts';
import { startStack, type Stack } from '../e2e/harness.ts';
import { parseSamples, valueOf, type Sample } from './prometheus-text.ts';

const TOKEN = 'test-operator-token-0123456789';
const EPOCHS = 3;

/**
 * GET /metrics scraped around a real run on the real API, worker, PostgreSQL and Redis: the
 * worker's training metrics reach it through Redis, the API's own are counted as requests
 * come, and the state gauges are read at the scrape.
 */
describe('GET /metrics', () => {
  let s: Stack;
  let team: Awaited<ReturnType<typeof createTeam>>;
  const scrape = async (): Promise<{ text: string; samples: Sample[] }> => {
    const res = await request(s.app.server).get('/metrics').set({ authorization: `Bearer ${TOKEN}` });
    expect(res.status).toBe(200);
    expect(res.headers['content-type']).toMatch(/^text\/plain; version=0\.0\.4/);
    return { text: res.text, samples: parseSamples(res.text) };
  };

  beforeAll(async () => {
    s = await startStack({ METRICS_TOKEN: TOKEN });
    team = await createTeam(s.config);
  });
  afterAll(async () => s?.close());

  it('answers only the operator token: not a team key, not a wrong token, not nothing', async () => {
    for (const auth of [team.auth, { authorization: 'Bearer wrong-token-0123456789' }, {}]) {
      const res = await request(s.app.server).get('/metrics').set(auth);
      expect(res.status).toBe(401);
      expect(res.body.error.code).toBe('UNAUTHORIZED');
      expect(res.text).not.toContain('trainyard_');
    }
  });

  it('is off (404) while no METRICS_TOKEN is set', async () => {
    const off = await buildTestApp();
    try {
      const res = await request(off.app.server).get('/metrics').set({ authorization: `Bearer ${TOKEN}` });
      expect(res.status).toBe(404);
      expect(res.body.error.code).toBe('NOT_FOUND');
    } finally {
      await off.close();
    }
  });

  it('moves as a run trains: one run completed, its epochs observed, its queue back to 0', async () => {
    const datasetId = await uploadRegression(s.app.server, team.auth, 40);
    expect((await request(s.app.server).post('/v1/runs').set(team.auth).send({})).status).toBe(400);
    const runId = await submitRun(s.app.server, team.auth, slowRunSpec(datasetId, EPOCHS));
    const ws = new WebSocket(`${s.wsUrl}/v1/runs/${runId}/events`, { headers: team.auth });
    await new Promise((resolve, reject) => ws.once('message', resolve).once('error', reject));
    expect(valueOf((await scrape()).samples, 'trainyard_websocket_subscribers')).toBeGreaterThanOrEqual(1);
    await request(s.app.server).get(`/v1/runs/${runId}`).set(team.auth).expect(200);

    const { text, samples } = await waitFor('the worker’s metrics of the completed run', async () => {
      const got = await scrape();
      return valueOf(got.samples, 'trainyard_runs_finished_total', { status: 'completed' }) === 1 ? got : null;
    }, 90_000, 250);
    ws.close();

    const backend = s.worker.backend.backend;
    expect(valueOf(samples, 'trainyard_epoch_duration_seconds_count', { backend })).toBe(EPOCHS);
    expect(valueOf(samples, 'trainyard_epoch_duration_seconds_sum', { backend })).toBeGreaterThan(0);
    expect(valueOf(samples, 'trainyard_epoch_samples_per_second_count', { backend })).toBe(EPOCHS);
    expect(valueOf(samples, 'trainyard_queue_wait_seconds_count')).toBe(1);
    expect(valueOf(samples, 'trainyard_run_failures_total')).toBe(0);

    expect(valueOf(samples, 'trainyard_runs', { team: team.name, status: 'completed' })).toBe(1);
    expect(valueOf(samples, 'trainyard_runs', { team: team.name, status: 'queued' })).toBe(0);
    // The depth is every team's queued runs (other test files share this database): the same sum.
    expect(valueOf(samples, 'trainyard_queue_depth')).toBe(valueOf(samples, 'trainyard_runs', { status: 'queued' }));
    expect(valueOf(samples, 'trainyard_workers', { backend })).toBe(1);
    expect(valueOf(samples, 'trainyard_stored_bytes', { team: team.name, kind: 'datasets' })).toBeGreaterThan(0);
    expect(valueOf(samples, 'trainyard_stored_bytes', { team: team.name, kind: 'checkpoints' })).toBeGreaterThan(0);

    expect(valueOf(samples, 'trainyard_http_requests_total', { method: 'POST', route: '/v1/runs', status: '201' })).toBe(1);
    expect(valueOf(samples, 'trainyard_http_requests_total', { method: 'GET', route: '/v1/runs/:id', status: '200' })).toBeGreaterThanOrEqual(1);
    expect(valueOf(samples, 'trainyard_http_request_duration_seconds_count', { method: 'POST', route: '/v1/datasets' })).toBe(1);
    expect(valueOf(samples, 'trainyard_rejected_requests_total', { code: 'VALIDATION_FAILED' })).toBe(1);
    expect(valueOf(samples, 'trainyard_rejected_requests_total', { code: 'UNAUTHORIZED' })).toBeGreaterThanOrEqual(3);
    // Labels are templates, never the ids of what was asked for.
    expect(text).not.toContain(runId);
    expect(text).not.toContain(datasetId);
  });

  it('labels unknown paths as one `unmatched` route, however many are scanned', async () => {
    for (const path of ['/nope', '/v1/nope/123', `/v1/${'x'.repeat(50)}`]) await request(s.app.server).get(path).set(team.auth);
    const { samples } = await scrape();
    const routes = new Set(samples.filter((x) => x.name === 'trainyard_http_requests_total' && x.labels.status === '404').map((x) => x.labels.route));
    expect([...routes]).toEqual(['unmatched']);
  });
});
