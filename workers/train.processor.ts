import { UnrecoverableError, type Job } from 'bullmq';
import type { Redis } from 'ioredis';
import type { Db } from '../src/db/prisma-client.ts';
import { trainJobSchema } from '../src/jobs/job-contracts.ts';
import { datasetInfoOf } from '../src/runs/dataset-info.ts';
import { findRun, latestCheckpoint } from '../src/runs/runs.repository.ts';
import type { RunSpec } from '../src/runs/run-spec.schema.ts';
import type { Storage } from '../src/storage/storage.ts';
import { applyCheckpointRetention } from './checkpoint-retention.ts';
import { extraDatasetsOf } from './extra-datasets.ts';
import { RunRecorder } from './run-recorder.ts';
import type { TrainerPool } from './trainer-pool.ts';
import type { BackendInfo, TrainerProcess } from './trainer-process.ts';

export interface ActiveRun {
  runId: string;
  teamId: string;
  trainer: TrainerProcess;
}

export interface TrainProcessorDeps {
  db: Db;
  redis: Redis;
  redisPrefix: string;
  storage: Storage;
  pool: TrainerPool;
  workerId: string;
  backend: BackendInfo;
  /** Runs this worker trains right now, for cancel requests and heartbeats. */
  active: Map<string, ActiveRun>;
}

/**
 * Takes one run from the queue to a final state. The run row decides: a run that is no
 * longer queued or running is skipped. A resumed job (after a crash) continues from the
 * latest checkpoint. Failures caused by the run itself are final (UnrecoverableError);
 * a trainer crash is rethrown so BullMQ retries the job.
 */
export function createTrainProcessor(deps: TrainProcessorDeps) {
  return async function processTrainJob(job: Job): Promise<string> {
    const parsed = trainJobSchema.safeParse(job.data);
    if (!parsed.success) throw new UnrecoverableError(`invalid job payload: ${parsed.error.message}`);
    const run = await findRun(deps.db, parsed.data.runId);
    if (!run || (run.status !== 'queued' && run.status !== 'running')) return `skipped: run is ${run?.status ?? 'gone'}`;

    const recorder = new RunRecorder(deps, run);
    if (run.cancelRequested) {
      await recorder.finish('canceled', 'canceled by user');
      return 'canceled';
    }
    if (!(await recorder.start({ backend: deps.backend.backend, workerId: deps.workerId }))) return 'skipped: no longer active';

    const dataset = await deps.db.dataset.findUnique({ where: { id: run.datasetId } });
    if (!dataset || dataset.status !== 'ready') {
      await recorder.fail({ code: 'DATASET_UNAVAILABLE', message: 'the run\'s dataset is missing or not ready' });
      throw new UnrecoverableError('dataset unavailable');
    }
    const extraDatasets = await extraDatasetsOf(deps, run);
    if (typeof extraDatasets === 'string') {
      await recorder.fail({ code: 'DATASET_UNAVAILABLE', message: extraDatasets });
      throw new UnrecoverableError('dataset unavailable');
    }
    const resume = await latestCheckpoint(deps.db, run.id);
    if (resume) await recorder.log('info', `resuming from the checkpoint of epoch ${resume.epoch}`);

    const trainer = await deps.pool.acquire();
    deps.active.set(run.id, { runId: run.id, teamId: run.teamId, trainer });
    try {
      const runDir = await deps.storage.ensureDir(deps.storage.runDir(run.id));
      const final = await trainer.train(
        {
          runId: run.id,
          spec: run.spec as unknown as RunSpec,
          dataset: { dir: deps.storage.datasetDir(dataset.id), ...datasetInfoOf(dataset) },
          ...extraDatasets,
          runDir,
          ...(resume ? { resumeFrom: { checkpointDir: resume.path, epoch: resume.epoch } } : {}),
        },
        async (msg) => {
          switch (msg.type) {
            case 'started':
              return void (await recorder.summary(msg.summary));
            case 'epoch':
              await recorder.epoch({ epoch: msg.epoch, metrics: msg.metrics, durationMs: msg.durationMs, samplesPerSec: msg.samplesPerSec, learningRate: msg.learningRate });
              return void (await job.updateProgress({ epoch: msg.epoch }));
            case 'checkpoint':
              await recorder.checkpoint({ epoch: msg.epoch, path: msg.dir, sizeBytes: msg.sizeBytes, metrics: msg.metrics });
              return applyCheckpointRetention({ storage: deps.storage, recorder }, (run.spec as unknown as RunSpec).callbacks?.modelCheckpoint?.keep);
            case 'log':
              return recorder.log(msg.level, msg.message);
            case 'done':
              return msg.status === 'completed'
                ? recorder.complete(msg.stopReason, msg)
                : recorder.finish('canceled', msg.stopReason);
            case 'failed':
              return recorder.fail({ code: msg.code, message: msg.message });
          }
        },
      );
      if (final.type === 'failed') throw new UnrecoverableError(`${final.code}: ${final.message}`);
      return final.status;
    } finally {
      deps.active.delete(run.id);
      deps.pool.release(trainer);
    }
  };
}
