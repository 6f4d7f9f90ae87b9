import { describe, expect, it } from 'vitest';
import { isPromotable, lastRungWithin, rungEpochs, topRung } from '../../src/experiments/asha.searcher.ts';
import { distributionSchema, gridValues, sample, type Space } from '../../src/experiments/distribution.ts';
import { gridConfigAt, gridSize } from '../../src/experiments/grid.searcher.ts';
import { randomConfigAt } from '../../src/experiments/random.searcher.ts';
import { seededRandom } from '../../src/experiments/seeded-random.ts';
import { parseSpacePath, setAtPath } from '../../src/experiments/space-path.ts';

const space: Space = {
  'compile.optimizer.learningRate': { type: 'logUniform', low: 1e-4, high: 1e-1 },
  'model.layers[0].units': { type: 'int', low: 4, high: 16, step: 4 },
  'fit.batchSize': { type: 'choice', values: [8, 32] },
};

describe('space paths', () => {
  it('parses keys and indexes, and refuses malformed paths', () => {
    expect(parseSpacePath('model.layers[3].units')).toEqual(['model', 'layers', 3, 'units']);
    for (const bad of ['', 'a..b', 'a.', '[0]', 'a[x]', 'a b', 'a.[1]']) expect(() => parseSpacePath(bad), bad).toThrow(/space path/);
  });

  it('sets a value in a copy; a missing layer or section is INVALID_SPACE naming the path', () => {
    const spec = { model: { layers: [{ units: 1 }] }, fit: {} };
    const out = setAtPath(spec, 'model.layers[0].units', parseSpacePath('model.layers[0].units'), 9);
    expect(out.model.layers[0]!.units).toBe(9);
    expect(spec.model.layers[0]!.units).toBe(1);
    expect(setAtPath(spec, 'fit.batchSize', ['fit', 'batchSize'], 8)).toMatchObject({ fit: { batchSize: 8 } });
    expect(() => setAtPath(spec, 'model.layers[3].units', parseSpacePath('model.layers[3].units'), 1)).toThrow(expect.objectContaining({ code: 'INVALID_SPACE', details: { path: 'model.layers[3].units' } }));
    expect(() => setAtPath(spec, 'compile.optimizer.x', parseSpacePath('compile.optimizer.x'), 1)).toThrow(expect.objectContaining({ code: 'INVALID_SPACE' }));
  });
});

describe('distributions', () => {
  it('refuses empty and inverted ranges', () => {
    expect(distributionSchema.safeParse({ type: 'uniform', low: 1, high: 1 }).success).toBe(false);
    expect(distributionSchema.safeParse({ type: 'int', low: 5, high: 2 }).success).toBe(false);
    expect(distributionSchema.safeParse({ type: 'logUniform', low: 0, high: 1 }).success).toBe(false);
    expect(distributionSchema.safeParse({ type: 'choice', values: [] }).success).toBe(false);
  });

  it('samples inside the range, on the step, and log-uniformly across decades', () => {
    const random = seededRandom(1);
    const ints = Array.from({ length: 500 }, () => sample({ type: 'int', low: 4, high: 16, step: 4 }, random) as number);
    expect(new Set(ints)).toEqual(new Set([4, 8, 12, 16]));
    const logs = Array.from({ length: 2000 }, () => sample({ type: 'logUniform', low: 1e-4, high: 1 }, random) as number);
    expect(Math.min(...logs)).toBeGreaterThanOrEqual(1e-4);
    expect(Math.max(...logs)).toBeLessThanOrEqual(1);
    // A quarter of the decades each: about a quarter below 1e-3.
    expect(logs.filter((v) => v < 1e-3).length / logs.length).toBeGreaterThan(0.2);
    const logInts = Array.from({ length: 500 }, () => sample({ type: 'logInt', low: 1, high: 100 }, random) as number);
    expect(logInts.every((v) => Number.isInteger(v) && v >= 1 && v <= 100)).toBe(true);
    expect(gridValues({ type: 'logUniform', low: 1e-3, high: 1e-1 }, 3).map((v) => Number((v as number).toPrecision(6)))).toEqual([0.001, 0.01, 0.1]);
  });
});

describe('grid and random searchers', () => {
  it('the grid visits every combination exactly once, then stops', () => {
    const n = gridSize(space, 3);
    expect(n).toBe(3 * 4 * 2);
    const seen = Array.from({ length: n }, (_, i) => JSON.stringify(gridConfigAt(space, 3, i)));
    expect(new Set(seen).size).toBe(n);
    expect(gridConfigAt(space, 3, n)).toBeNull();
  });

  it('random is reproducible for a seed and differs between seeds', () => {
    const a = Array.from({ length: 10 }, (_, i) => randomConfigAt(space, 42, i));
    const b = Array.from({ length: 10 }, (_, i) => randomConfigAt(space, 42, i));
    const c = Array.from({ length: 10 }, (_, i) => randomConfigAt(space, 43, i));
    expect(a).toEqual(b);
    expect(a).not.toEqual(c);
    expect(new Set(a.map((v) => v['compile.optimizer.learningRate'])).size).toBe(10);
  });
});

describe('ASHA', () => {
  const asha = { minEpochs: 1, maxEpochs: 9, reductionFactor: 3 };
  it('rungs grow by the reduction factor up to maxEpochs', () => {
    expect([0, 1, 2].map((r) => rungEpochs(asha, r))).toEqual([1, 3, 9]);
    expect(topRung(asha)).toBe(2);
    expect(topRung({ minEpochs: 2, maxEpochs: 5, reductionFactor: 2 })).toBe(2);
  });

  it('places a run trained short of maxEpochs at the last rung it reached', () => {
    expect([1, 2, 3, 6, 9, 27].map((epochs) => lastRungWithin(asha, epochs))).toEqual([0, 0, 1, 1, 2, 2]);
  });

  it('promotes the top 1/η of a rung, and a waiting trial once enough worse ones arrive', () => {
    const t = (id: string, m: number) => ({ id, rungMetrics: [m] });
    const first = t('a', 0.5);
    expect(isPromotable(asha, first, 0, [first], 'min')).toBe(false);
    const two = [first, t('b', 0.9)];
    expect(isPromotable(asha, first, 0, two, 'min')).toBe(false);
    const three = [...two, t('c', 0.7)];
    expect(isPromotable(asha, first, 0, three, 'min')).toBe(true);
    expect(isPromotable(asha, three[2]!, 0, three, 'min')).toBe(false);
    expect(isPromotable(asha, three[1]!, 0, three, 'max')).toBe(true);
  });
});

describe('hostile spaces', () => {
  it('refuses prototype keys in a path, and never writes through them', () => {
    for (const bad of ['__proto__.polluted', 'fit.constructor.prototype.x', 'model.prototype']) expect(() => parseSpacePath(bad)).toThrow(expect.objectContaining({ code: 'INVALID_SPACE' }));
    expect(({} as Record<string, unknown>).polluted).toBeUndefined();
  });

  it('refuses a grid axis too long to search instead of enumerating it', () => {
    expect(() => gridValues({ type: 'int', low: -1e15, high: 1e15, step: 1 })).toThrow(expect.objectContaining({ code: 'INVALID_SPACE' }));
  });
});
