import type { FastifyInstance } from 'fastify';
import type { ZodTypeProvider } from 'fastify-type-provider-zod';
import { z } from 'zod';
import { pingDatabase } from '../../db/health.repository.ts';

const reachability = z.enum(['ok', 'unreachable']);
const readiness = z.object({ status: z.enum(['ok', 'unavailable']), checks: z.object({ postgres: reachability, redis: reachability }) });

export default async function healthRoutes(fastify: FastifyInstance) {
  const app = fastify.withTypeProvider<ZodTypeProvider>();
  app.get('/healthz', { schema: { response: { 200: z.object({ status: z.literal('ok') }) } } }, async () => ({ status: 'ok' as const }));

  /** Ready when both PostgreSQL and Redis answer; 503 names the one that does not. */
  app.get('/readyz', { schema: { response: { 200: readiness, 503: readiness } } }, async (_request, reply) => {
    const [postgres, redis] = await Promise.all([
      pingDatabase(app.db).then(() => 'ok' as const, () => 'unreachable' as const),
      app.redis.ping().then(() => 'ok' as const, () => 'unreachable' as const),
    ]);
    const ready = postgres === 'ok' && redis === 'ok';
    return reply.status(ready ? 200 : 503).send({ status: ready ? 'ok' : 'unavailable', checks: { postgres, redis } });
  });
}
