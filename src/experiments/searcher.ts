import type { Space, TrialValues } from './distribution.ts';
import type { SearcherConfig } from './experiment.schema.ts';
import { gridConfigAt, gridSize } from './grid.searcher.ts';
import { randomConfigAt } from './random.searcher.ts';

/**
 * The values of trial `index`, or null when the searcher has no more (a grid is exhausted).
 * A pure function of (space, searcher, seed, index): a driver restarted mid-experiment
 * proposes exactly the trials the old one would have, so none is lost or duplicated.
 */
export function trialValuesAt(space: Space, searcher: SearcherConfig, seed: number, index: number): TrialValues | null {
  if (searcher.type === 'grid') return gridConfigAt(space, searcher.points, index);
  // ASHA samples its configurations at random too; what it adds is when a trial stops.
  return randomConfigAt(space, seed, index);
}

/** How many trials the searcher can propose at most (a grid's size; others: unbounded). */
export function searcherCapacity(space: Space, searcher: SearcherConfig): number {
  return searcher.type === 'grid' ? gridSize(space, searcher.points) : Number.POSITIVE_INFINITY;
}
