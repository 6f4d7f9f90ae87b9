/** BullMQ priorities (1 is served first) from a run's fair-share band and user priority: see src/runs/fair-share.ts. */
export const PRIORITY_BAND = 101;

/** BullMQ refuses priorities above 2^21; past ~20 000 runs ahead a team's runs share the last band. */
const MAX_BULL_PRIORITY = 2 ** 21;

/** The BullMQ priority of a run `rank` places behind its own team's, at user priority 0..100. */
export function bullPriority(rank: number, userPriority: number): number {
  return Math.min(MAX_BULL_PRIORITY, rank * PRIORITY_BAND + (PRIORITY_BAND - userPriority));
}
