import fp from 'fastify-plugin';
import type { FastifyInstance } from 'fastify';
import { startExperimentDriver, type ExperimentDriver } from '../../experiments/experiment-driver.ts';

declare module 'fastify' {
  interface FastifyInstance {
    /** Drives the experiments (hyperparameter searches) from what PostgreSQL records. */
    experimentDriver: ExperimentDriver;
  }
}

export default fp(
  async (app, opts: { redisPrefix: string; intervalS: number }) => {
    const deps = Object.assign(Object.create(app) as FastifyInstance, { redisPrefix: opts.redisPrefix });
    const driver = startExperimentDriver(deps, app.log, opts.intervalS);
    app.decorate('experimentDriver', driver);
    app.addHook('onClose', async () => driver.stop());
  },
  { name: 'experiment-driver', dependencies: ['prisma', 'queues', 'compute', 'quotas'] },
);
