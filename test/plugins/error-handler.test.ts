import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { FastifyInstance } from 'fastify';
import { buildApp } from '../../src/app.ts';
import { AppError } from '../../src/errors/app-error.ts';
import { testConfig } from '../helper.ts';

describe('error handler', () => {
  let app: FastifyInstance;
  const logged: unknown[] = [];

  beforeAll(async () => {
    const config = await testConfig({ BODY_LIMIT_BYTES: '2048' });
    app = await buildApp({ config, logger: false });
    app.log.error = ((obj: unknown) => void logged.push(obj)) as typeof app.log.error;
    app.get('/test/boom', async () => {
      throw new Error('secret internals: password=hunter2');
    });
    app.get('/test/conflict', async () => {
      throw new AppError('CONFLICT', 'already done', { status: 'completed' });
    });
    app.post('/test/echo', async (request) => request.body);
    await app.ready();
  });
  afterAll(async () => app?.close());

  it('hides an unknown error behind a 500 INTERNAL and logs it', async () => {
    const res = await app.inject({ method: 'GET', url: '/test/boom' });
    expect(res.statusCode).toBe(500);
    expect(res.json()).toEqual({ error: { code: 'INTERNAL', message: 'Internal server error', details: null } });
    expect(res.body).not.toContain('hunter2');
  });

  it('answers an AppError with its status, code and details', async () => {
    const res = await app.inject({ method: 'GET', url: '/test/conflict' });
    expect(res.statusCode).toBe(409);
    expect(res.json()).toEqual({ error: { code: 'CONFLICT', message: 'already done', details: { status: 'completed' } } });
  });

  it('answers malformed JSON with 400 and an oversize body with 413, in the envelope', async () => {
    const bad = await app.inject({ method: 'POST', url: '/test/echo', headers: { 'content-type': 'application/json' }, payload: '{"a":' });
    expect(bad.statusCode).toBe(400);
    expect(bad.json().error.code).toBe('VALIDATION_FAILED');

    const big = await app.inject({ method: 'POST', url: '/test/echo', headers: { 'content-type': 'application/json' }, payload: JSON.stringify({ a: 'x'.repeat(4096) }) });
    expect(big.statusCode).toBe(413);
    expect(big.json().error.code).toBe('PAYLOAD_TOO_LARGE');
  });

  it('sets security headers', async () => {
    const res = await app.inject({ method: 'GET', url: '/healthz' });
    expect(res.headers['x-content-type-options']).toBe('nosniff');
    expect(res.headers['x-frame-options']).toBeDefined();
  });
});
