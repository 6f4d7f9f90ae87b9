import { gridValues } from './distribution.ts';
import type { Space, TrialValues } from './distribution.ts';

export function gridSize(space: Space, points: number): number {
  return Object.values(space).reduce((n, d) => n * gridValues(d, points).length, 1);
}

/** Point `index` of the grid, the last path varying fastest; null past its end. */
export function gridConfigAt(space: Space, points: number, index: number): TrialValues | null {
  if (index >= gridSize(space, points)) return null;
  const values: TrialValues = {};
  let rest = index;
  for (const [path, d] of Object.entries(space).reverse()) {
    const axis = gridValues(d, points);
    values[path] = axis[rest % axis.length]!;
    rest = Math.floor(rest / axis.length);
  }
  return Object.fromEntries(Object.keys(space).map((p) => [p, values[p]!]));
}
