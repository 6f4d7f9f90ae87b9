import fp from 'fastify-plugin';
import { QuotaGuard } from '../../quotas/quota-guard.ts';

declare module 'fastify' {
  interface FastifyInstance {
    /** Per-team limits (queued runs, stored bytes), checked inside the transaction that writes. */
    quotas: QuotaGuard;
  }
}

export default fp(
  async (app, opts: { retryAfterS: number }) => {
    app.decorate('quotas', new QuotaGuard(opts.retryAfterS));
  },
  { name: 'quotas' },
);
