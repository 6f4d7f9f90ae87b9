import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { findUnstorableText } from '../../src/datasets/storable-text.ts';
import { MAX_JSON_DEPTH } from '../../src/plugins/app/input-guard.ts';
import { buildTestApp, createTeam, type TestApp } from '../helper.ts';

const NIL_UUID = '00000000-0000-4000-8000-000000000000';
const deeply = (depth: number) => '['.repeat(depth) + ']'.repeat(depth);

describe('the input guard', () => {
  let t: TestApp;
  let auth: Record<string, string>;
  beforeAll(async () => {
    t = await buildTestApp();
    auth = (await createTeam(t.config)).auth;
  });
  afterAll(async () => t?.close());

  const post = (url: string, payload: string) => t.app.inject({ method: 'POST', url, headers: { ...auth, 'content-type': 'application/json' }, payload });

  it.each([
    ['/v1/runs', `{"model":${deeply(100_000)}}`],
    [`/v1/runs/${NIL_UUID}/predict`, `{"instances":${deeply(100_000)}}`],
    [`/v1/runs/${NIL_UUID}/evaluate`, `{"datasetId":${deeply(100_000)}}`],
    ['/v1/runs', '{"a":'.repeat(100_000) + '1' + '}'.repeat(100_000)],
  ])('JSON nested 100,000 deep to %s → 400 VALIDATION_FAILED naming the limit', async (url, body) => {
    const res = await post(url, body);
    expect(res.statusCode).toBe(400);
    expect(res.json().error).toMatchObject({ code: 'VALIDATION_FAILED', details: { maxDepth: MAX_JSON_DEPTH } });
  });

  it(`takes JSON exactly ${MAX_JSON_DEPTH} levels deep (it reaches the route, which refuses the unknown run)`, async () => {
    const instance = '['.repeat(MAX_JSON_DEPTH - 2) + '1' + ']'.repeat(MAX_JSON_DEPTH - 2);
    const res = await post(`/v1/runs/${NIL_UUID}/predict`, `{"instances":[${instance}]}`);
    expect(res.statusCode).toBe(404);
  });

  it('names the path of a NUL or lone surrogate, in values and keys alike', async () => {
    const res = await post('/v1/runs', JSON.stringify({ model: { layers: [{ name: 'ok' }, { name: 'a\ud800' }] } }));
    expect(res.statusCode).toBe(400);
    expect(res.json().error.details).toMatchObject({ path: 'model.layers.1.name', in: 'body' });
    expect(findUnstorableText({ ['k\u0000']: 1 })).toEqual({ path: ['k\u0000'], reason: 'a NUL character' });
  });

  it('finds an escaped NUL or surrogate deep in a large body of numbers, and passes an escaped backslash before u0000', async () => {
    const numbers = Array.from({ length: 50 }, () => Array.from({ length: 20 }, (_, i) => i));
    const hidden = JSON.stringify({ model: { layers: [{ units: numbers }, { name: 'x\u0000' }] } });
    expect(hidden).toContain('\\u0000');
    const res = await post('/v1/runs', hidden);
    expect(res.statusCode).toBe(400);
    expect(res.json().error.details).toMatchObject({ path: 'model.layers.1.name', reason: 'a NUL character' });
    const upper = await post('/v1/runs', '{"model":{"layers":[{"name":"\\uDBFF"}]}}');
    expect(upper.json().error.details).toMatchObject({ path: 'model.layers.0.name' });
    // A backslash then "u0000" as text is storable: it reaches validation, which refuses the spec for other reasons.
    const literal = await post('/v1/runs', JSON.stringify({ name: '\\u0000' }));
    expect(literal.json().error.details?.reason).toBeUndefined();
  });

  it('lets well-formed text through: emoji (surrogate pairs), accents, CJK', () => {
    expect(findUnstorableText({ name: 'chat 🐱 é 猫', list: ['🐶', { deep: '\u{1F600}' }] })).toBeNull();
    expect(findUnstorableText({ a: '\udc00' })?.reason).toMatch(/surrogate/);
    expect(findUnstorableText(['\ud83d'])?.path).toEqual([0]);
  });
});
