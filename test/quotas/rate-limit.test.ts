import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import request from 'supertest';
import { createApiKey } from '../../src/auth/api-keys.repository.ts';
import { createPrismaClient } from '../../src/db/prisma-client.ts';
import { buildTestApp, createTeam, type TestApp } from '../helper.ts';

describe('rate limit per API key, shared by every API process through Redis', () => {
  let one: TestApp;
  let two: TestApp;
  beforeAll(async () => {
    // Two API processes of one deployment: same Redis prefix.
    const prefix = `tytest-${randomUUID().slice(0, 8)}`;
    one = await buildTestApp({ RATE_LIMIT_PER_MINUTE: '5', REDIS_PREFIX: prefix });
    two = await buildTestApp({ RATE_LIMIT_PER_MINUTE: '5', REDIS_PREFIX: prefix });
  });
  afterAll(async () => {
    await one?.close();
    await two?.close();
  });

  it('answers 429 RATE_LIMITED with Retry-After past the limit, counting requests on both instances', async () => {
    const team = await createTeam(one.config);
    const statuses: number[] = [];
    for (let i = 0; i < 5; i++) {
      const app = i % 2 === 0 ? one : two;
      statuses.push((await request(app.app.server).get('/v1/runs').set(team.auth)).status);
    }
    expect(statuses).toEqual([200, 200, 200, 200, 200]);

    const limited = await request(two.app.server).get('/v1/datasets').set(team.auth);
    expect(limited.status).toBe(429);
    expect(Number(limited.headers['retry-after'])).toBeGreaterThan(0);
    expect(Number(limited.headers['retry-after'])).toBeLessThanOrEqual(60);
    expect(limited.body).toEqual({
      error: { code: 'RATE_LIMITED', message: expect.stringContaining('5 requests per minute'), details: expect.objectContaining({ limit: 5 }) },
    });
    expect((await request(one.app.server).post('/v1/runs').set(team.auth).send({})).status).toBe(429);
  });

  it('counts each key apart, and leaves unauthenticated routes alone', async () => {
    const team = await createTeam(one.config);
    const db = createPrismaClient(one.config.databaseUrl);
    const { key: secondKey } = await createApiKey(db, team.id);
    await db.$disconnect();
    for (let i = 0; i < 6; i++) await request(one.app.server).get('/v1/runs').set(team.auth);
    expect((await request(one.app.server).get('/v1/runs').set(team.auth)).status).toBe(429);
    expect((await request(one.app.server).get('/v1/runs').set('authorization', `Bearer ${secondKey}`)).status).toBe(200);
    for (let i = 0; i < 10; i++) expect((await request(one.app.server).get('/readyz')).status).toBe(200);
  });

  it('is off with RATE_LIMIT_PER_MINUTE=0', async () => {
    const off = await buildTestApp({ RATE_LIMIT_PER_MINUTE: '0' });
    try {
      const team = await createTeam(off.config);
      for (let i = 0; i < 20; i++) expect((await request(off.app.server).get('/v1/runs').set(team.auth)).status).toBe(200);
    } finally {
      await off.close();
    }
  });
});
