import type { TrainingFailureCode } from './training-job.ts';

/** Why a run cannot train, with the code its `failed` message carries (the worker records it as the run's error). */
export class RunFailure extends Error {
  constructor(
    readonly code: TrainingFailureCode,
    message: string,
  ) {
    super(message);
  }
}
