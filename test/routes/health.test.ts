import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import request from 'supertest';
import { buildTestApp, createTeam, type TestApp } from '../helper.ts';

describe('health and auth', () => {
  let t: TestApp;
  beforeAll(async () => {
    t = await buildTestApp();
  });
  afterAll(async () => t.close());

  it('answers liveness and readiness with both services reachable', async () => {
    expect((await request(t.app.server).get('/healthz')).body).toEqual({ status: 'ok' });
    const ready = await request(t.app.server).get('/readyz');
    expect(ready.status).toBe(200);
    expect(ready.body.checks).toEqual({ postgres: 'ok', redis: 'ok' });
  });

  it('refuses /v1 without a key, and with a wrong one, with 401 UNAUTHORIZED', async () => {
    const none = await request(t.app.server).get('/v1/datasets');
    expect(none.status).toBe(401);
    expect(none.body.error.code).toBe('UNAUTHORIZED');
    const wrong = await request(t.app.server).get('/v1/datasets').set('authorization', 'Bearer ty_nope');
    expect(wrong.status).toBe(401);
  });

  it('answers unknown routes with the error envelope', async () => {
    const team = await createTeam(t.config);
    const res = await request(t.app.server).get('/v1/nothing-here').set(team.auth);
    expect(res.status).toBe(404);
    expect(res.body).toEqual({ error: { code: 'NOT_FOUND', message: expect.any(String), details: null } });
  });
});
