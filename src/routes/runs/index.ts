import type { FastifyInstance } from 'fastify';
import { createReadStream } from 'node:fs';
import type { ZodTypeProvider } from 'fastify-type-provider-zod';
import { runSpecSchema } from '../../spec/run-spec.schema.ts';
import { cancelRun, deleteRun, pauseRun, resumeRun, submitRun } from '../../runs/runs.service.ts';
import { getRun, listRuns, predictRun, runCheckpoints, runMetrics, runModelFile } from '../../runs/run-results.ts';
import { runCheckpointsSchema, runDtoSchema, runMetricsSchema, runPageSchema, toRunDto } from '../../runs/run-dto.ts';
import { evaluateRun } from '../../runs/evaluate-run.ts';
import { evaluateBody, evaluateResponse, listRunsQuery, modelFileParams, predictBody, predictResponse, runParams } from './schemas.ts';

export default async function runRoutes(fastify: FastifyInstance, opts: { redisPrefix: string }) {
  const app = fastify.withTypeProvider<ZodTypeProvider>();
  const deps = Object.assign(Object.create(app) as FastifyInstance, { redisPrefix: opts.redisPrefix });
  const run = { params: runParams, response: { 200: runDtoSchema } };

  app.post('/', { schema: { body: runSpecSchema, response: { 201: runDtoSchema } } }, async (request, reply) =>
    reply.status(201).send(toRunDto(await submitRun(deps, request.team.id, request.body))),
  );

  app.get('/', { schema: { querystring: listRunsQuery, response: { 200: runPageSchema } } }, async (request) => listRuns(app.db, request.team.id, request.query));

  app.get('/:id', { schema: run }, async (request) => getRun(app.db, request.team.id, request.params.id));

  app.delete('/:id', { schema: { params: runParams } }, async (request, reply) => {
    await deleteRun(deps, request.team.id, request.params.id);
    return reply.status(204).send();
  });

  app.get('/:id/metrics', { schema: { params: runParams, response: { 200: runMetricsSchema } } }, async (request) => runMetrics(app.db, request.team.id, request.params.id));

  app.get('/:id/checkpoints', { schema: { params: runParams, response: { 200: runCheckpointsSchema } } }, async (request) =>
    runCheckpoints(app.db, request.team.id, request.params.id),
  );

  app.post('/:id/cancel', { schema: run }, async (request) => toRunDto(await cancelRun(deps, request.team.id, request.params.id)));

  app.post('/:id/pause', { schema: run }, async (request) => toRunDto(await pauseRun(deps, request.team.id, request.params.id)));

  app.post('/:id/resume', { schema: run }, async (request) => toRunDto(await resumeRun(deps, request.team.id, request.params.id)));

  /** The model in tfjs layers format; its weight paths are relative, so they resolve under this prefix. */
  app.get('/:id/model/model.json', { schema: { params: runParams } }, async (request, reply) => {
    const file = await runModelFile(app, request.team.id, request.params.id, 'model.json');
    return reply.type('application/json').send(createReadStream(file));
  });

  app.get('/:id/model/:file', { schema: { params: modelFileParams } }, async (request, reply) => {
    const file = await runModelFile(app, request.team.id, request.params.id, request.params.file);
    return reply.type('application/octet-stream').send(createReadStream(file));
  });

  app.post('/:id/predict', { schema: { params: runParams, body: predictBody, response: { 200: predictResponse } } }, async (request) =>
    predictRun(app, request.team.id, request.params.id, request.body),
  );

  app.post('/:id/evaluate', { schema: { params: runParams, body: evaluateBody, response: { 200: evaluateResponse } } }, async (request) =>
    evaluateRun(app, request.team.id, request.params.id, request.body.datasetId),
  );
}
