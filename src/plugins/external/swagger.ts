import fp from 'fastify-plugin';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import swagger from '@fastify/swagger';
import swaggerUi from '@fastify/swagger-ui';

/** The hand-written `openapi.yaml` is the contract; `/docs` renders it, `/openapi.yaml` serves it. */
export const openapiPath = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../../../openapi.yaml');

export default fp(
  async (app) => {
    await app.register(swagger, { mode: 'static', specification: { path: openapiPath, baseDir: path.dirname(openapiPath) } });
    await app.register(swaggerUi, { routePrefix: '/docs' });
  },
  { name: 'swagger' },
);
