import fp from 'fastify-plugin';
import type { Redis } from 'ioredis';
import { createRedis } from '../../redis/redis-connection.ts';

declare module 'fastify' {
  interface FastifyInstance {
    /** Shared connection for commands and publishing (never put into subscriber mode). */
    redis: Redis;
  }
}

export default fp(
  async (app, opts: { redisUrl: string }) => {
    const redis = createRedis(opts.redisUrl, 'trainyard-api');
    app.decorate('redis', redis);
    app.addHook('onClose', async () => {
      await redis.quit();
    });
  },
  { name: 'redis' },
);
