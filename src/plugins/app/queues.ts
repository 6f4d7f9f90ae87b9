import fp from 'fastify-plugin';
import { Queue } from 'bullmq';
import { QueueName } from '../../jobs/job-contracts.ts';
import { bullPrefix } from '../../jobs/train-queue.ts';
import { duplicateRedis } from '../../redis/redis-connection.ts';

export interface Queues {
  /** The training queue; runs get their jobs through src/runs/queue-run.ts. */
  train: Queue;
}

declare module 'fastify' {
  interface FastifyInstance {
    queues: Queues;
  }
}

export default fp(
  async (app, opts: { redisPrefix: string }) => {
    const train = new Queue(QueueName.train, { connection: duplicateRedis(app.redis), prefix: bullPrefix(opts.redisPrefix) });
    app.decorate('queues', { train } satisfies Queues);
    app.addHook('onClose', async () => {
      await train.close();
    });
  },
  { name: 'queues', dependencies: ['redis'] },
);
