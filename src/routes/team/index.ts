import type { FastifyInstance } from 'fastify';
import type { ZodTypeProvider } from 'fastify-type-provider-zod';
import { z } from 'zod';

const teamView = z.object({ id: z.string(), name: z.string() });

/** Who a key is: the dashboard shows the team's name after sign-in, and a script can check its key. */
export default async function teamRoutes(app: FastifyInstance) {
  app.withTypeProvider<ZodTypeProvider>().get('/team', { schema: { response: { 200: teamView } } }, async (request) => ({
    id: request.team.id,
    name: request.team.name,
  }));
}
