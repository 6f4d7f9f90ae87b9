import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildTestApp, createTeam, type TestApp } from '../helper.ts';

const LIMIT = 5;

describe('failed authentication is rate-limited per client address', () => {
  let t: TestApp;
  let team: Awaited<ReturnType<typeof createTeam>>;
  beforeAll(async () => {
    t = await buildTestApp({ AUTH_FAILURES_PER_MINUTE: String(LIMIT) });
    team = await createTeam(t.config);
  });
  afterAll(async () => t?.close());

  const get = (remoteAddress: string, headers: Record<string, string> = {}) => t.app.inject({ method: 'GET', url: '/v1/runs', remoteAddress, headers });
  const randomKey = () => `Bearer ty_${crypto.randomUUID()}`;

  it(`answers 401 to the first ${LIMIT} wrong keys from an address, then 429 AUTH_RATE_LIMITED with Retry-After`, async () => {
    for (let i = 0; i < LIMIT; i++) expect((await get('10.0.0.1', { authorization: randomKey() })).statusCode).toBe(401);
    const refused: Record<string, string>[] = [{ authorization: randomKey() }, {}, { authorization: 'Basic eDp5' }];
    for (const headers of refused) {
      const res = await get('10.0.0.1', headers);
      expect(res.statusCode).toBe(429);
      expect(res.json().error).toMatchObject({ code: 'AUTH_RATE_LIMITED', details: { limit: LIMIT } });
      expect(Number(res.headers['retry-after'])).toBeGreaterThanOrEqual(1);
      expect(Number(res.headers['retry-after'])).toBeLessThanOrEqual(60);
    }
  });

  it('still lets a valid key in from that address, and other addresses still get 401', async () => {
    expect((await get('10.0.0.1', team.auth)).statusCode).toBe(200);
    expect((await get('10.0.0.2', { authorization: randomKey() })).statusCode).toBe(401);
  });

  it('is off with AUTH_FAILURES_PER_MINUTE=0', async () => {
    const off = await buildTestApp({ AUTH_FAILURES_PER_MINUTE: '0' });
    try {
      for (let i = 0; i < LIMIT + 3; i++) {
        expect((await off.app.inject({ method: 'GET', url: '/v1/runs', remoteAddress: '10.0.0.3' })).statusCode).toBe(401);
      }
    } finally {
      await off.close();
    }
  });
});
