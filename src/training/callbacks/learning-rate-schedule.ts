import type { LearningRateScheduleSpec } from '../../spec/callbacks-spec.schema.ts';

/**
 * The learning rate of `epoch` (1-based) under a schedule, from the optimizer's initial
 * rate `lr0`. Pure, so a resumed run computes the same rate for the same epoch.
 * Formulas: see learningRateScheduleSpecSchema.
 */
export function scheduledLearningRate(schedule: LearningRateScheduleSpec, lr0: number, epoch: number): number {
  const e = epoch - 1;
  switch (schedule.type) {
    case 'exponentialDecay': {
      const p = e / schedule.decayEpochs;
      return lr0 * schedule.decayRate ** (schedule.staircase ? Math.floor(p) : p);
    }
    case 'stepDecay':
      return lr0 * schedule.factor ** Math.floor(e / schedule.everyEpochs);
    case 'cosineDecay': {
      const progress = Math.min(e, schedule.decayEpochs) / schedule.decayEpochs;
      return lr0 * ((1 - schedule.alpha) * 0.5 * (1 + Math.cos(Math.PI * progress)) + schedule.alpha);
    }
  }
}
