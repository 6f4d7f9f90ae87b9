import { createHash } from 'node:crypto';
import type { AddressInfo } from 'node:net';
import { PassThrough } from 'node:stream';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import request from 'supertest';
import WebSocket from 'ws';
import type { FastifyInstance } from 'fastify';
import { buildApp } from '../../src/app.ts';
import { redactUrl } from '../../src/logging/logger-options.ts';
import { createTeam, testConfig } from '../helper.ts';

/** Opens a WebSocket and closes it once open (or refused). */
function touch(url: string, options: WebSocket.ClientOptions = {}, protocols?: string[]): Promise<void> {
  return new Promise((resolve) => {
    const ws = new WebSocket(url, protocols, options);
    ws.on('open', () => ws.close());
    ws.on('close', () => resolve());
    ws.on('error', () => resolve());
  });
}

describe('API keys never reach the logs', () => {
  let app: FastifyInstance;
  let logs = '';
  let key: string;
  let baseWs: string;

  beforeAll(async () => {
    const config = await testConfig({ LOG_LEVEL: 'trace' });
    const stream = new PassThrough();
    stream.on('data', (chunk: Buffer) => (logs += chunk.toString()));
    app = await buildApp({ config, logStream: stream });
    await app.listen({ port: 0, host: '127.0.0.1' });
    baseWs = `ws://127.0.0.1:${(app.server.address() as AddressInfo).port}`;
    key = (await createTeam(config)).key;
  });
  afterAll(async () => app?.close());

  it('redacts the key wherever a client puts it: header, subprotocol, any spelling of access_token, a path, at trace level', async () => {
    await request(app.server).get('/v1/runs').set('authorization', `Bearer ${key}`).expect(200);
    await request(app.server).get('/v1/datasets/not-there').set('authorization', `Bearer ${key}`).expect(404);
    // A wrong key is a secret too (a typo of a real one).
    await request(app.server).get('/v1/runs').set('authorization', `Bearer ${key}x`).expect(401);
    // Keys in URLs are not accepted (401), and still never logged, however the name is spelt.
    for (const name of ['access_token', '%61ccess_token', 'ACCESS%5FTOKEN', 'access_token%20']) {
      await request(app.server).get(`/v1/runs?${name}=${key}&limit=5`).expect(401);
    }
    await request(app.server).get(`/v1/runs?q=${key}`).expect(401);
    await request(app.server).get(`/v1/datasets/${key}`).set('authorization', `Bearer ${key}`).expect(404);
    await touch(`${baseWs}/v1/events?access_token=${encodeURIComponent(key)}`);
    await touch(`${baseWs}/v1/events?%61ccess_token=${encodeURIComponent(key)}`);
    await touch(`${baseWs}/v1/events`, {}, [`bearer.${key}`]);
    await new Promise((r) => setTimeout(r, 100));

    const lines = logs.trim().split('\n').map((l) => JSON.parse(l));
    // The requests were logged, with their URLs, and the key was not.
    expect(lines.filter((l) => l.req?.url).length).toBeGreaterThanOrEqual(10);
    expect(lines.some((l) => l.req?.url === '/v1/runs?access_token=[REDACTED]&limit=5')).toBe(true);
    expect(lines.some((l) => l.req?.url === '/v1/runs?%61ccess_token=[REDACTED]&limit=5')).toBe(true);
    expect(lines.some((l) => l.req?.url === '/v1/events?access_token=[REDACTED]')).toBe(true);
    expect(logs).not.toContain(key);
    expect(logs).not.toContain(key.slice(3, 20));
  });

  it('redactUrl leaves other parameters alone and catches every spelling', () => {
    expect(redactUrl('/v1/events?since=3&access_token=abc&x=1')).toBe('/v1/events?since=3&access_token=[REDACTED]&x=1');
    expect(redactUrl('/v1/events?ACCESS_TOKEN=abc')).toBe('/v1/events?ACCESS_TOKEN=[REDACTED]');
    expect(redactUrl('/v1/events?%61ccess%5Ftoken=abc')).toBe('/v1/events?%61ccess%5Ftoken=[REDACTED]');
    expect(redactUrl('/v1/events?access+token=abc&%zz=1')).toBe('/v1/events?access+token=abc&%zz=1');
    expect(redactUrl('/v1/runs/abc')).toBe('/v1/runs/abc');
  });
});

describe('keys passed in a URL', () => {
  it('do not authenticate: ?access_token= and its percent-encoded spellings answer 401', async () => {
    const config = await testConfig();
    const team = await createTeam(config);
    const app = await buildApp({ config, logger: false });
    try {
      await app.ready();
      for (const name of ['access_token', '%61ccess_token', 'access%5Ftoken', 'ACCESS_TOKEN']) {
        const res = await app.inject({ method: 'GET', url: `/v1/runs?${name}=${team.key}` });
        expect(res.statusCode).toBe(401);
        expect(res.json().error.code).toBe('UNAUTHORIZED');
      }
    } finally {
      await app.close();
    }
  });
});

describe('keys at rest', () => {
  it('stores only the SHA-256 of a key, never the key', async () => {
    const config = await testConfig();
    const team = await createTeam(config);
    const app = await buildApp({ config, logger: false });
    try {
      await app.ready();
      const rows = await app.db.apiKey.findMany({ where: { teamId: team.id } });
      expect(rows).toHaveLength(1);
      expect(rows[0].hash).toBe(createHash('sha256').update(team.key).digest('hex'));
      expect(JSON.stringify(rows, (_k, v) => (typeof v === 'bigint' ? String(v) : v))).not.toContain(team.key.slice(3));
    } finally {
      await app.close();
    }
  });
});
