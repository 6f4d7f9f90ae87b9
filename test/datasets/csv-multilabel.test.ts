import path from 'node:path';
import { readdir } from 'node:fs/promises';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import request from 'supertest';
import { readDatasetArrays } from '../../src/datasets/dataset-files.ts';
import { buildTestApp, createTeam, type TestApp } from '../helper.ts';
import { csv } from './fixtures/csv.ts';

type Team = Awaited<ReturnType<typeof createTeam>>;

describe('POST /v1/datasets (csv, several label columns)', () => {
  let t: TestApp;
  let team: Team;
  beforeAll(async () => {
    t = await buildTestApp();
    team = await createTeam(t.config);
  });
  afterAll(async () => t.close());

  const upload = () => request(t.app.server).post('/v1/datasets').set(team.auth);
  const movies = csv('length,year,action,comedy,drama', '120,1999,1,0,1', '95,2004,0,1,0', '140,2010,1,0,0', '88,2015,0,1,1');

  it('makes a multi-label dataset: 0/1 per label column, the columns as class names', async () => {
    const res = await upload().field('format', 'csv').field('label', 'action,comedy,drama').attach('file', movies, 'movies.csv');
    expect(res.status).toBe(201);
    expect(res.body).toMatchObject({ task: 'multilabel', numSamples: 4, inputShape: [2], targetShape: [3], numClasses: 3, classNames: ['action', 'comedy', 'drama'] });
    const { targets, features } = await readDatasetArrays(path.join(t.config.storageDir, 'datasets', res.body.id));
    expect(Array.from(targets)).toEqual([1, 0, 1, 0, 1, 0, 1, 0, 0, 0, 1, 1]);
    expect(features).toHaveLength(8);
  });

  it('takes label columns by index and in the order given; regression may have several targets', async () => {
    const res = await upload().field('format', 'csv').field('label', '4, 2').field('task', 'regression').attach('file', movies, 'movies.csv');
    expect(res.status).toBe(201);
    expect(res.body).toMatchObject({ task: 'regression', inputShape: [3], targetShape: [2], numClasses: null, classNames: [] });
    const { targets } = await readDatasetArrays(path.join(t.config.storageDir, 'datasets', res.body.id));
    expect(Array.from(targets)).toEqual([1, 1, 0, 0, 0, 1, 1, 0]);
  });

  it('refuses non-binary targets, unknown or repeated columns, and classification over several columns, leaving nothing behind', async () => {
    const bad = csv('x,a,b', '1,0,1', '2,1,2');
    const notBinary = await upload().field('format', 'csv').field('label', 'a,b').attach('file', bad, 'bad.csv');
    expect(notBinary.status).toBe(400);
    expect(notBinary.body.error.code).toBe('INVALID_DATASET');
    expect(notBinary.body.error.message).toBe('Row 3, column "b": a multi-label target must be 0 or 1, got 2');

    const unknown = await upload().field('format', 'csv').field('label', 'a,zz').attach('file', bad, 'bad.csv');
    expect(unknown.body.error.message).toContain('Label "zz" is neither a column name nor a column index');
    const twice = await upload().field('format', 'csv').field('label', 'a,1').attach('file', bad, 'bad.csv');
    expect(twice.body.error.message).toContain('names a column twice');
    const classification = await upload().field('format', 'csv').field('label', 'a,b').field('task', 'classification').attach('file', bad, 'bad.csv');
    expect(classification.status).toBe(400);
    expect(classification.body.error.message).toContain('task=multilabel');

    const list = await request(t.app.server).get('/v1/datasets').set(team.auth);
    expect(list.body.items.every((d: { status: string }) => d.status === 'ready')).toBe(true);
    const dirs = await readdir(path.join(t.config.storageDir, 'datasets')).catch(() => []);
    expect(dirs).toHaveLength(2);
  });
});
