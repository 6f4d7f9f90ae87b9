import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import request from 'supertest';
import { buildTestApp, createTeam, type TestApp } from '../helper.ts';

describe('CORS', () => {
  let on: TestApp;
  let off: TestApp;
  let auth: Record<string, string>;
  beforeAll(async () => {
    on = await buildTestApp({ CORS_ORIGINS: 'https://dash.example, https://notebooks.example' });
    off = await buildTestApp();
    auth = (await createTeam(on.config)).auth;
  });
  afterAll(async () => {
    await on?.close();
    await off?.close();
  });

  const preflight = (t: TestApp, origin: string) =>
    request(t.app.server).options('/v1/runs').set('origin', origin).set('access-control-request-method', 'POST').set('access-control-request-headers', 'authorization,content-type');

  it('allows the configured origins, preflight and actual request', async () => {
    for (const origin of ['https://dash.example', 'https://notebooks.example']) {
      const pre = await preflight(on, origin);
      expect(pre.status).toBe(204);
      expect(pre.headers['access-control-allow-origin']).toBe(origin);
      expect(pre.headers['access-control-allow-methods']).toContain('POST');
      const res = await request(on.app.server).get('/v1/runs').set(auth).set('origin', origin);
      expect(res.status).toBe(200);
      expect(res.headers['access-control-allow-origin']).toBe(origin);
    }
  });

  it('refuses other origins: no Access-Control-Allow-Origin, so browsers block the answer', async () => {
    for (const origin of ['https://evil.example', 'https://dash.example.evil.example', 'null']) {
      const pre = await preflight(on, origin);
      expect(pre.headers['access-control-allow-origin']).toBeUndefined();
      const res = await request(on.app.server).get('/v1/runs').set(auth).set('origin', origin);
      expect(res.headers['access-control-allow-origin']).toBeUndefined();
    }
  });

  it('is off when CORS_ORIGINS is empty', async () => {
    const offAuth = (await createTeam(off.config)).auth;
    const res = await request(off.app.server).get('/v1/runs').set(offAuth).set('origin', 'https://dash.example');
    expect(res.status).toBe(200);
    expect(res.headers['access-control-allow-origin']).toBeUndefined();
    expect((await preflight(off, 'https://dash.example')).headers['access-control-allow-origin']).toBeUndefined();
  });

  it('sends security headers and no stack trace or framework banner on errors', async () => {
    const res = await request(on.app.server).get('/v1/runs/x').set(auth);
    expect(res.status).toBe(404);
    expect(res.headers['x-content-type-options']).toBe('nosniff');
    expect(res.headers['strict-transport-security']).toBeDefined();
    expect(res.headers['x-powered-by']).toBeUndefined();
    expect(res.text).not.toMatch(/\bat .*\.ts:\d+/);
  });
});
