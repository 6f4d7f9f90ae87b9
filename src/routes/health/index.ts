import type { FastifyInstance } from 'fastify';
import { pingDatabase } from '../../db/health.repository.ts';

export default async function healthRoutes(app: FastifyInstance) {
  app.get('/healthz', async () => ({ status: 'ok' }));

  /** Ready when both PostgreSQL and Redis answer; 503 names the one that does not. */
  app.get('/readyz', async (_request, reply) => {
    const [postgres, redis] = await Promise.all([
      pingDatabase(app.db).then(() => 'ok', () => 'unreachable'),
      app.redis.ping().then(() => 'ok', () => 'unreachable'),
    ]);
    const ready = postgres === 'ok' && redis === 'ok';
    return reply.status(ready ? 200 : 503).send({ status: ready ? 'ok' : 'unavailable', checks: { postgres, redis } });
  });
}
