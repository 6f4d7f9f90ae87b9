import { sample } from './distribution.ts';
import { seededRandom } from './seeded-random.ts';
import type { Space, TrialValues } from './distribution.ts';

/** Trial `index` draws every path from its own seeded stream: reproducible for a seed. */
export function randomConfigAt(space: Space, seed: number, index: number): TrialValues {
  const random = seededRandom(seed, index);
  return Object.fromEntries(Object.entries(space).map(([path, d]) => [path, sample(d, random)]));
}
