import fp from 'fastify-plugin';
import { Storage } from '../../storage/storage.ts';

declare module 'fastify' {
  interface FastifyInstance {
    storage: Storage;
  }
}

export default fp(
  async (app, opts: { storageDir: string }) => {
    const storage = new Storage(opts.storageDir);
    await storage.ensureDir(storage.tmpDir());
    app.decorate('storage', storage);
  },
  { name: 'storage' },
);
