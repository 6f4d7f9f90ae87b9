import fp from 'fastify-plugin';
import { Queue } from 'bullmq';
import { QueueName, type TrainJobData } from '../../jobs/job-contracts.ts';
import { bullPrefix, ensureTrainJob } from '../../jobs/train-queue.ts';

export interface Queues {
  /** Makes sure a run has a live training job (idempotent: the job id is the run id); the payload is validated against the shared contract. */
  enqueueTraining(data: TrainJobData, priority: number, rank?: number): Promise<void>;
  /** Removes a run's job if it is still waiting; returns whether it was removed. */
  removeWaitingTraining(runId: string): Promise<boolean>;
  train: Queue;
}

declare module 'fastify' {
  interface FastifyInstance {
    queues: Queues;
  }
}

export default fp(
  async (app, opts: { redisPrefix: string }) => {
    const train = new Queue(QueueName.train, { connection: app.redis.duplicate(), prefix: bullPrefix(opts.redisPrefix) });
    const queues: Queues = {
      train,
      async enqueueTraining(data, priority, rank) {
        await ensureTrainJob(train, data.runId, priority, rank);
      },
      async removeWaitingTraining(runId) {
        const job = await train.getJob(runId);
        if (!job) return false;
        const state = await job.getState();
        if (state !== 'waiting' && state !== 'prioritized' && state !== 'delayed') return false;
        await job.remove().catch(() => undefined); // taken by a worker meanwhile: cancel goes through the worker
        return true;
      },
    };
    app.decorate('queues', queues);
    app.addHook('onClose', async () => {
      await train.close();
    });
  },
  { name: 'queues', dependencies: ['redis'] },
);
