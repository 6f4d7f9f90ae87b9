/**
 * A small seeded generator (mulberry32): the same seed gives the same sequence on every
 * machine and restart, which is what makes a random search reproducible. Trial `i` draws
 * from its own stream (seed, i), so a trial's values do not depend on how many others exist.
 */
export function seededRandom(seed: number, stream = 0): () => number {
  let a = (Math.imul(seed | 0, 0x9e3779b1) ^ Math.imul(stream + 1, 0x85ebca6b)) >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}
