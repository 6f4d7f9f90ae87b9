import type { Backend } from '../../src/training/backends.ts';
import type { AdapterInfo } from '../../src/training/webgpu-backend.ts';
import type { TrainingMessage, TrainJob } from '../../src/training/training-job.ts';

/**
 * The IPC protocol between a training worker (parent) and its trainer child process.
 *
 * The parent forks `trainer.child.ts` with env TRAINER_BACKEND = auto or one of the backends (and TRAINER_WEBGPU_ADAPTER, Dawn's adapter filter)
 * (src/training/backends.ts). The child answers `ready` once its backend is loaded (or `failed`
 * with code BACKEND_UNAVAILABLE and exits when a forced backend does not load). Then, one run at
 * a time: the parent sends `train`; the child forwards the training core's messages for it
 * (src/training/training-job.ts), ending with exactly one `done` or `failed`.
 * `cancel` stops the run at the next batch (`done` with status canceled; the checkpoints
 * of finished epochs stay). The child then waits for the next `train`.
 */
export type ParentMessage = { type: 'train'; job: TrainJob } | { type: 'cancel' };

export type ChildMessage = { type: 'ready'; backend: Backend; device: string; fallbackReasons: string[]; adapter?: AdapterInfo } | TrainingMessage;
