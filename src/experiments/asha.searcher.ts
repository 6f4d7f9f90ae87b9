/**
 * Asynchronous successive halving (ASHA, Li et al., "A System for Massively Parallel
 * Hyperparameter Tuning", 2018). Rung r trains to minEpochs × η^r epochs (the last rung to
 * maxEpochs). A trial at rung r is promoted when it is in the top 1/η of all trials that
 * have reported at rung r so far; otherwise it waits, paused at its checkpoint, and may be
 * promoted later as more (worse) results arrive. Here nothing is killed: a promotion resumes
 * the paused run, whose epochs continue from its checkpoint.
 */
export interface AshaConfig {
  minEpochs: number;
  maxEpochs: number;
  reductionFactor: number;
}

export function rungEpochs(c: AshaConfig, rung: number): number {
  return Math.min(c.maxEpochs, c.minEpochs * c.reductionFactor ** rung);
}

export function topRung(c: AshaConfig): number {
  let r = 0;
  while (rungEpochs(c, r) < c.maxEpochs) r++;
  return r;
}

/** The highest rung whose epochs a run that trained `epochs` has reached (0 at least): where a trial trained short of maxEpochs waits. */
export function lastRungWithin(c: AshaConfig, epochs: number): number {
  let r = 0;
  while (r < topRung(c) && rungEpochs(c, r + 1) <= epochs) r++;
  return r;
}

export interface RungResults {
  id: string;
  rungMetrics: number[];
}

/** Whether `trial`, which has reported at `rung`, is in the top 1/η of the rung so far. */
export function isPromotable(c: AshaConfig, trial: RungResults, rung: number, all: RungResults[], mode: 'min' | 'max'): boolean {
  const atRung = all.filter((t) => t.rungMetrics.length > rung).map((t) => ({ id: t.id, m: t.rungMetrics[rung]! }));
  const k = Math.floor(atRung.length / c.reductionFactor);
  if (k === 0) return false;
  atRung.sort((a, b) => (mode === 'min' ? a.m - b.m : b.m - a.m) || a.id.localeCompare(b.id));
  return atRung.slice(0, k).some((t) => t.id === trial.id);
}
