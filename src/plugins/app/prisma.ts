import fp from 'fastify-plugin';
import { createPrismaClient, type Db } from '../../db/prisma-client.ts';

declare module 'fastify' {
  interface FastifyInstance {
    db: Db;
  }
}

export default fp(
  async (app, opts: { databaseUrl: string }) => {
    const db = createPrismaClient(opts.databaseUrl);
    app.decorate('db', db);
    app.addHook('onClose', async () => db.$disconnect());
  },
  { name: 'prisma' },
);
