import type { FastifyInstance } from 'fastify';
import { createReadStream, existsSync } from 'node:fs';
import path from 'node:path';
import fastifyStatic from '@fastify/static';
import { AppError } from '../../errors/app-error.ts';
import { DASHBOARD_CSP } from '../../dashboard/content-security-policy.ts';
import { DASHBOARD_DIST_DIR, DASHBOARD_INDEX } from '../../dashboard/dashboard-files.ts';

/**
 * The web dashboard at `/`: `index.html` (never cached, so a new build is picked up at once) and
 * `/assets/*`, whose names carry a content hash and are cached for a year. Hidden from Swagger:
 * they are the UI, not the API contract. The strict CSP is set here, in this scope only, because
 * Swagger UI at /docs needs inline scripts.
 */
export default async function dashboardRoutes(app: FastifyInstance) {
  app.addHook('onSend', async (_request, reply) => {
    reply.header('content-security-policy', DASHBOARD_CSP);
  });

  app.get('/', { schema: { hide: true } }, async (_request, reply) => {
    if (!existsSync(DASHBOARD_INDEX)) throw new AppError('SERVICE_UNAVAILABLE', 'The dashboard is not built: run `npm run build:web`');
    return reply.type('text/html; charset=utf-8').header('cache-control', 'no-cache').send(createReadStream(DASHBOARD_INDEX));
  });

  await app.register(fastifyStatic, {
    root: path.join(DASHBOARD_DIST_DIR, 'assets'),
    prefix: '/assets/',
    schemaHide: true,
    index: false,
    immutable: true,
    maxAge: '365d',
  });
}
