import { describe, expect, it } from 'vitest';
import { sortClassNames } from '../../src/datasets/class-names.ts';
import { ColumnStats } from '../../src/datasets/column-stats.ts';

describe('sortClassNames', () => {
  it('orders all-numeric labels by value', () => {
    expect(sortClassNames(['10', '2', '-1', '1.5', '0'])).toEqual(['-1', '0', '1.5', '2', '10']);
  });

  it('orders other labels by code point, whatever the locale', () => {
    expect(sortClassNames(['b', 'B', 'a', '10', '9'])).toEqual(['10', '9', 'B', 'a', 'b']);
  });
});

describe('ColumnStats', () => {
  it('gives per-column mean and population std, with 1 for a constant column', () => {
    const stats = new ColumnStats(2);
    for (const row of [[1, 5], [2, 5], [3, 5], [4, 5]]) stats.add(row);
    expect(stats.mean()).toEqual([2.5, 5]);
    expect(stats.std()[0]).toBeCloseTo(Math.sqrt(1.25), 12);
    expect(stats.std()[1]).toBe(1);
  });
});
