import { createHash, timingSafeEqual } from 'node:crypto';
import type { FastifyInstance, FastifyRequest } from 'fastify';
import { AppError } from '../../errors/app-error.ts';

const digest = (value: string) => createHash('sha256').update(value).digest();

/**
 * GET /metrics, Prometheus' text format, for the operator only: it answers the bearer
 * METRICS_TOKEN, never a team's key (it names every team), and is off (404) while no token is
 * set. Digests are compared in constant time, so the answer's timing tells nothing of the token.
 */
export default async function metricsRoutes(app: FastifyInstance, opts: { token: string }) {
  const expected = opts.token ? digest(opts.token) : null;
  const authorised = (request: FastifyRequest) => {
    const match = /^Bearer\s+(\S+)$/i.exec(request.headers.authorization ?? '');
    return Boolean(expected && match && timingSafeEqual(digest(match[1]), expected));
  };

  app.get('/metrics', async (request, reply) => {
    if (!expected) throw new AppError('NOT_FOUND', 'Metrics are off: set METRICS_TOKEN to serve them');
    if (!authorised(request)) throw new AppError('UNAUTHORIZED', 'GET /metrics needs the operator token: Authorization: Bearer $METRICS_TOKEN');
    const { contentType, body } = await app.metrics.render();
    return reply.type(contentType).header('cache-control', 'no-store').send(body);
  });
}
