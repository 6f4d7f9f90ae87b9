import Fastify, { type FastifyInstance } from 'fastify';
import { readFile } from 'node:fs/promises';
import { serializerCompiler, validatorCompiler } from 'fastify-type-provider-zod';
import type { AppConfig } from './config/config.ts';
import errorHandler, { answerFrameworkError } from './plugins/app/error-handler.ts';
import inputGuard from './plugins/app/input-guard.ts';
import prismaPlugin from './plugins/app/prisma.ts';
import redisPlugin from './plugins/app/redis.ts';
import storagePlugin from './plugins/app/storage.ts';
import authPlugin from './plugins/app/auth.ts';
import eventsPlugin from './plugins/app/events.ts';
import security from './plugins/external/security.ts';
import multipart from './plugins/external/multipart.ts';
import websocket from './plugins/external/websocket.ts';
import swagger, { openapiPath } from './plugins/external/swagger.ts';
import routeRegistry from './plugins/app/route-registry.ts';
import queuesPlugin from './plugins/app/queues.ts';
import computePlugin from './plugins/app/compute.ts';
import quotasPlugin from './plugins/app/quotas.ts';
import rateLimit from './plugins/external/rate-limit.ts';
import { loggerOptions } from './logging/logger-options.ts';
import healthRoutes from './routes/health/index.ts';
import eventRoutes from './routes/events/index.ts';
import workerRoutes from './routes/workers/index.ts';
import datasetRoutes from './routes/datasets/index.ts';
import runRoutes from './routes/runs/index.ts';
import modelRoutes from './routes/models/index.ts';
import experimentRoutes from './routes/experiments/index.ts';
import experimentDriver from './plugins/app/experiment-driver.ts';
import metricsPlugin from './plugins/app/metrics.ts';
import metricsRoutes from './routes/metrics/index.ts';
import teamRoutes from './routes/team/index.ts';
import dashboardRoutes from './routes/dashboard/index.ts';

export interface BuildAppOptions {
  config: AppConfig;
  /** Pino logger options; tests pass `false`. */
  logger?: boolean | object;
  /** Where the API's own logger (with its redactions) writes; tests read it back. */
  logStream?: NodeJS.WritableStream;
}

/** Builds the API without listening, so tests and `server.ts` share exactly one assembly. */
export async function buildApp({ config, logger = true, logStream }: BuildAppOptions): Promise<FastifyInstance> {
  const app = Fastify({
    logger: logger === true || logStream ? loggerOptions(config.logLevel, logStream) : logger,
    bodyLimit: config.http.bodyLimitBytes,
    // Requests ids in logs and answers help users report problems.
    requestIdHeader: 'x-request-id',
    genReqId: () => crypto.randomUUID(),
    frameworkErrors: answerFrameworkError,
  });
  app.setValidatorCompiler(validatorCompiler);
  app.setSerializerCompiler(serializerCompiler);
  // Bodies are JSON or multipart; a text/plain body would reach the schemas as a string (400): answer 415 instead.
  app.removeContentTypeParser('text/plain');

  await app.register(routeRegistry);
  await app.register(errorHandler);
  await app.register(inputGuard);
  await app.register(security, { corsOrigins: config.http.corsOrigins });
  await app.register(multipart, { uploadLimitBytes: config.http.uploadLimitBytes, idleTimeoutMs: config.http.uploadIdleTimeoutMs });
  await app.register(websocket);
  await app.register(swagger);
  await app.register(prismaPlugin, { databaseUrl: config.databaseUrl });
  await app.register(redisPlugin, { redisUrl: config.redisUrl });
  await app.register(eventsPlugin, { redisUrl: config.redisUrl, redisPrefix: config.redisPrefix });
  await app.register(storagePlugin, { storageDir: config.storageDir });
  await app.register(authPlugin, { redisPrefix: config.redisPrefix, failuresPerMinute: config.http.authFailuresPerMinute, keyRecheckMs: config.http.wsKeyRecheckMs });
  await app.register(queuesPlugin, { redisPrefix: config.redisPrefix });
  await app.register(computePlugin, { modelMaxParams: config.limits.modelMaxParams, modelMaxActivationBytes: config.limits.modelMaxActivationBytes, backend: config.compute.backend });
  await app.register(quotasPlugin, { retryAfterS: config.limits.quotaRetryAfterS });
  await app.register(experimentDriver, { redisPrefix: config.redisPrefix, intervalS: config.experiments.driverIntervalS });
  await app.register(metricsPlugin, { redisPrefix: config.redisPrefix });

  await app.register(healthRoutes);
  await app.register(metricsRoutes, { token: config.metrics.token });
  await app.register(dashboardRoutes);
  app.get('/openapi.yaml', { schema: { hide: true } }, async (_request, reply) =>
    reply.type('application/yaml').send(await readFile(openapiPath, 'utf8')),
  );

  await app.register(
    async (v1) => {
      v1.addHook('onRequest', v1.authenticate);
      await v1.register(rateLimit, { perMinute: config.http.rateLimitPerMinute, redis: app.redis, redisPrefix: config.redisPrefix });
      await v1.register(eventRoutes, { pingIntervalMs: config.http.wsPingIntervalS * 1000 });
      await v1.register(teamRoutes);
      await v1.register(workerRoutes, { redisPrefix: config.redisPrefix });
      await v1.register(datasetRoutes, { prefix: '/datasets', zipLimits: config.datasets.zip });
      await v1.register(runRoutes, { prefix: '/runs', redisPrefix: config.redisPrefix });
      await v1.register(experimentRoutes, { prefix: '/experiments', redisPrefix: config.redisPrefix });
      await v1.register(modelRoutes, { prefix: '/models', maxBytes: config.baseModels.maxBytes });
    },
    { prefix: '/v1' },
  );

  return app;
}
