import fp from 'fastify-plugin';
import { ComputeClient } from '../../compute/compute-client.ts';
import type { BackendChoice } from '../../training/backends.ts';

declare module 'fastify' {
  interface FastifyInstance {
    /** tfjs work the API needs (validating a spec by building its model, predict), in a child process. */
    compute: ComputeClient;
  }
}

export default fp(
  async (app, opts: { modelMaxParams?: number; modelMaxActivationBytes?: number; backend?: BackendChoice }) => {
    const compute = new ComputeClient({ modelMaxParams: opts.modelMaxParams, modelMaxActivationBytes: opts.modelMaxActivationBytes, backend: opts.backend });
    app.decorate('compute', compute);
    app.addHook('onClose', async () => compute.close());
  },
  { name: 'compute' },
);
