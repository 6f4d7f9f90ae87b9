import type { FastifyInstance } from 'fastify';
import type { ZodTypeProvider } from 'fastify-type-provider-zod';
import { z } from 'zod';
import { adapterInfoSchema, listWorkers, type WorkerRecord } from '../../workers/worker-registry.ts';

const workerView = z.object({
  id: z.string(),
  hostname: z.string(),
  backend: z.string(),
  device: z.string(),
  concurrency: z.number(),
  startedAt: z.string(),
  lastHeartbeatAt: z.string(),
  fallbackReasons: z.array(z.string()),
  /** The WebGPU adapter on the webgpu backend, else null. */
  adapter: adapterInfoSchema.nullable(),
  /** The caller's runs by id; another team's run only as `{ runId: null, busy: true }`. */
  currentRuns: z.array(z.union([z.object({ runId: z.string() }), z.object({ runId: z.null(), busy: z.literal(true) })])),
});

/** Teams share the workers, so everyone sees them all, but never another team's run ids. */
function viewFor(teamId: string, worker: WorkerRecord): z.infer<typeof workerView> {
  return {
    id: worker.id,
    hostname: worker.hostname,
    backend: worker.backend,
    device: worker.device,
    concurrency: worker.concurrency,
    startedAt: worker.startedAt,
    lastHeartbeatAt: worker.lastHeartbeatAt,
    fallbackReasons: worker.fallbackReasons ?? [],
    adapter: worker.adapter ?? null,
    currentRuns: worker.currentRuns.map((run) => (run.teamId === teamId ? { runId: run.runId } : { runId: null, busy: true as const })),
  };
}

export default async function workerRoutes(app: FastifyInstance, opts: { redisPrefix: string }) {
  app.withTypeProvider<ZodTypeProvider>().get(
    '/workers',
    { schema: { response: { 200: z.object({ workers: z.array(workerView) }) } } },
    async (request) => ({ workers: (await listWorkers(app.redis, opts.redisPrefix)).map((w) => viewFor(request.team.id, w)) }),
  );
}
