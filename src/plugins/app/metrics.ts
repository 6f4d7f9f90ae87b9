import fp from 'fastify-plugin';
import { errorStatus } from '../../errors/error-codes.ts';
import { ApiMetrics } from '../../metrics/api-metrics.ts';
import { readSnapshots } from '../../metrics/metrics-relay.ts';
import { countRunsByTeamAndStatus, storedBytesByTeam } from '../../metrics/metrics.repository.ts';
import { listWorkers } from '../../workers/worker-registry.ts';

declare module 'fastify' {
  interface FastifyInstance {
    /** Prometheus metrics of this API and, summed, of every worker (GET /metrics). */
    metrics: ApiMetrics;
  }
}

// Every error answer starts so (error-handler.ts); its code is read back from the body.
const ERROR_CODE = /^\{"error":\{"code":"([A-Z_]{2,40})"/;

/**
 * Counts every answer by route template and status, and every refusal by its stable code.
 * Hooks on the root instance see all routes, the 404s of unknown paths included (route
 * `unmatched`, so a scan of random paths adds one series, not one per path).
 */
export default fp(
  async (app, opts: { redisPrefix: string }) => {
    const metrics = new ApiMetrics({
      runs: () => countRunsByTeamAndStatus(app.db),
      storedBytes: () => storedBytesByTeam(app.db),
      workerBackends: async () => (await listWorkers(app.redis, opts.redisPrefix)).map((w) => w.backend),
      websocketSubscribers: () => app.events.hub.listeners,
      workerSnapshots: () => readSnapshots(app.redis, opts.redisPrefix),
    });
    app.decorate('metrics', metrics);
    app.addHook('onSend', async (_request, reply, payload) => {
      if (reply.statusCode >= 400 && typeof payload === 'string') {
        const code = ERROR_CODE.exec(payload)?.[1];
        if (code && code in errorStatus) metrics.refused(code);
      }
      return payload;
    });
    app.addHook('onResponse', async (request, reply) => {
      metrics.answered(request.method, request.routeOptions.url ?? 'unmatched', reply.statusCode, reply.elapsedTime / 1000);
    });
  },
  { name: 'metrics', dependencies: ['prisma', 'redis', 'events'] },
);
