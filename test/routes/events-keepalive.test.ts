import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import WebSocket from 'ws';
import { buildTestApp, createTeam, type TestApp } from '../helper.ts';
import { createRun, wsUrl } from '../events/event-fixtures.ts';

/**
 * Pings on the real routes, at WS_PING_INTERVAL_S: an idle subscriber that answers stays
 * connected, and is pinged, however long nothing happens; one that stopped answering (a
 * half-open connection) is dropped instead of holding server memory forever.
 */
describe('WebSocket keep-alive on the event routes', () => {
  let t: TestApp;
  let team: Awaited<ReturnType<typeof createTeam>>;

  beforeAll(async () => {
    t = await buildTestApp({ WS_PING_INTERVAL_S: '1' });
    await t.app.listen({ port: 0, host: '127.0.0.1' });
    team = await createTeam(t.config);
  });
  afterAll(async () => t?.close());

  it.each(['/v1/runs/:id/events', '/v1/events'])('%s: keeps an idle subscriber that answers pings, drops one that does not', async (route) => {
    const runId = await createRun(t.app.db, team.id);
    const url = wsUrl(t.app, route.replace(':id', runId));
    const healthy = new WebSocket(url, { headers: team.auth });
    const silent = new WebSocket(url, { headers: team.auth, autoPong: false });
    let pings = 0;
    healthy.on('ping', () => pings++);
    const healthyClosed = new Promise<number>((r) => healthy.on('close', r));
    const silentClosed = new Promise<number>((r) => silent.on('close', r));
    await Promise.all([healthy, silent].map((ws) => new Promise((r) => ws.once('open', r))));

    // Terminated by the server, not closed: 1006 on the client side.
    expect(await silentClosed).toBe(1006);
    await new Promise((r) => setTimeout(r, 1500));
    expect(healthy.readyState).toBe(WebSocket.OPEN);
    expect(pings).toBeGreaterThanOrEqual(2);
    healthy.close();
    expect(await healthyClosed).toBe(1005);
  });
});
