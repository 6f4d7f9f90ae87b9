import fp from 'fastify-plugin';
import helmet from '@fastify/helmet';
import cors from '@fastify/cors';

/** Security headers on every answer; CORS only for the origins configured. */
export default fp(
  async (app, opts: { corsOrigins: string[] }) => {
    // Swagger UI needs inline scripts and styles; the API itself serves no HTML.
    await app.register(helmet, { contentSecurityPolicy: false });
    if (opts.corsOrigins.length > 0) {
      await app.register(cors, { origin: opts.corsOrigins, credentials: false });
    }
  },
  { name: 'security' },
);
