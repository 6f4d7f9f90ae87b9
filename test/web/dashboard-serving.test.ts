import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import request from 'supertest';
import { ensureDashboardBuilt } from '../../src/dashboard/build-dashboard.ts';
import { buildTestApp, createTeam, type TestApp } from '../helper.ts';

describe('the dashboard at /', () => {
  let t: TestApp;

  beforeAll(async () => {
    await ensureDashboardBuilt(() => undefined);
    t = await buildTestApp();
  });
  afterAll(async () => t?.close());

  it('serves index.html uncached, under a strict CSP that allows only its own origin', async () => {
    const res = await request(t.app.server).get('/');
    expect(res.status).toBe(200);
    expect(res.headers['content-type']).toMatch(/^text\/html/);
    expect(res.headers['cache-control']).toBe('no-cache');
    const csp = res.headers['content-security-policy'];
    expect(csp).toContain("default-src 'none'");
    expect(csp).toContain("script-src 'self'");
    expect(csp).not.toMatch(/unsafe-inline|unsafe-eval|https?:/);
    // Every asset is local: no CDN, nothing inline.
    expect(res.text).not.toMatch(/https?:\/\//);
    expect(res.text).not.toMatch(/<script>|<style>/);
  });

  it('serves content-hashed assets cached for a year, and 404s an unknown one', async () => {
    const index = (await request(t.app.server).get('/')).text;
    const assets = [...index.matchAll(/\/assets\/[A-Za-z0-9_-]+-[A-Z0-9]{8}\.(js|css)/g)].map((m) => m[0]);
    expect(assets).toHaveLength(2);
    for (const asset of assets) {
      const res = await request(t.app.server).get(asset);
      expect(res.status).toBe(200);
      expect(res.headers['cache-control']).toBe('public, max-age=31536000, immutable');
    }
    expect((await request(t.app.server).get('/assets/nope-ABCDEFGH.js')).status).toBe(404);
    // A path climbing out of assets/ is refused (403 by @fastify/static), never served.
    expect([403, 404]).toContain((await request(t.app.server).get('/assets/%2e%2e/index.html')).status);
  });

  it('leaves Swagger UI at /docs without the dashboard CSP, which would block its inline code', async () => {
    const res = await request(t.app.server).get('/docs/');
    expect(res.status).toBeLessThan(400);
    expect(res.headers['content-security-policy']).toBeUndefined();
  });

  it('GET /v1/team names the key\'s team, and refuses without a key', async () => {
    const team = await createTeam(t.config);
    const res = await request(t.app.server).get('/v1/team').set(team.auth);
    expect(res.status).toBe(200);
    expect(res.body).toEqual({ id: team.id, name: team.name });
    expect((await request(t.app.server).get('/v1/team')).status).toBe(401);
  });
});
