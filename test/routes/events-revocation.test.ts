import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createApiKey, revokeApiKey } from '../../src/auth/api-keys.repository.ts';
import { KEY_REVOKED_CLOSE_CODE } from '../../src/auth/key-watch.ts';
import { createPrismaClient, type Db } from '../../src/db/prisma-client.ts';
import { buildTestApp, createTeam, type TestApp } from '../helper.ts';
import { createRun, openStream, wsUrl } from '../events/event-fixtures.ts';

describe('a WebSocket stream whose key is revoked', () => {
  let t: TestApp;
  let db: Db;
  let team: Awaited<ReturnType<typeof createTeam>>;
  beforeAll(async () => {
    t = await buildTestApp({ WS_KEY_RECHECK_S: '0.2' });
    await t.app.listen({ port: 0, host: '127.0.0.1' });
    db = createPrismaClient(t.config.databaseUrl);
    team = await createTeam(t.config);
  });
  afterAll(async () => {
    await db?.$disconnect();
    await t?.close();
  });

  it('is closed with 4401 "API key revoked", on both stream routes; streams on other keys stay open', async () => {
    const doomed = await createApiKey(db, team.id);
    const runId = await createRun(db, team.id);
    const auth = { authorization: `Bearer ${doomed.key}` };
    const teamStream = await openStream(wsUrl(t.app, '/v1/events'), { headers: auth });
    const runStream = await openStream(wsUrl(t.app, `/v1/runs/${runId}/events`), { protocols: [`bearer.${doomed.key}`] });
    const bystander = await openStream(wsUrl(t.app, '/v1/events'), { headers: team.auth });

    // The admin CLI's revoke, which knows nothing of the API process.
    expect(await revokeApiKey(db, doomed.id)).toBe(1);
    expect(await teamStream.closed).toEqual({ code: KEY_REVOKED_CLOSE_CODE, reason: 'API key revoked' });
    expect(await runStream.closed).toEqual({ code: KEY_REVOKED_CLOSE_CODE, reason: 'API key revoked' });

    // The re-check that closed them has run: the other key's stream was checked and kept.
    expect(bystander.ws.readyState).toBe(bystander.ws.OPEN);
    await bystander.close();
  });

  it('a key deleted outright closes its streams too', async () => {
    const doomed = await createApiKey(db, team.id);
    const stream = await openStream(wsUrl(t.app, '/v1/events'), { headers: { authorization: `Bearer ${doomed.key}` } });
    await db.apiKey.delete({ where: { id: doomed.id } });
    expect((await stream.closed).code).toBe(KEY_REVOKED_CLOSE_CODE);
  });
});
