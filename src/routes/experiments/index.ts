import { createReadStream } from 'node:fs';
import type { FastifyInstance } from 'fastify';
import type { ZodTypeProvider } from 'fastify-type-provider-zod';
import { submitExperiment } from '../../experiments/create-experiment.ts';
import { experimentDtoSchema, experimentListSchema, trialListSchema } from '../../experiments/experiment-dto.ts';
import { bestModelFile, experimentDto, experimentTrials, getExperiment, listExperiments, predictBest } from '../../experiments/experiment-results.ts';
import { createExperimentSchema, extendExperimentSchema } from '../../experiments/experiment.schema.ts';
import { cancelExperiment, deleteExperiment, extendExperiment, pauseExperiment, resumeExperiment } from '../../experiments/experiments.service.ts';
import { modelFileParams, predictBody, predictResponse, runParams } from '../runs/schemas.ts';

export default async function experimentRoutes(fastify: FastifyInstance, opts: { redisPrefix: string }) {
  const app = fastify.withTypeProvider<ZodTypeProvider>();
  const deps = Object.assign(Object.create(app) as FastifyInstance, { redisPrefix: opts.redisPrefix });
  const one = { params: runParams, response: { 200: experimentDtoSchema } };

  app.post('/', { schema: { body: createExperimentSchema, response: { 201: experimentDtoSchema } } }, async (request, reply) => {
    const created = await submitExperiment(deps, request.team.id, request.body);
    // The first trials start at once rather than at the driver's next tick.
    void app.experimentDriver.pass({ teamId: request.team.id }).catch(() => undefined);
    return reply.status(201).send(await experimentDto(app, created));
  });

  app.get('/', { schema: { response: { 200: experimentListSchema } } }, async (request) => listExperiments(app, request.team.id));

  app.get('/:id', { schema: one }, async (request) => getExperiment(app, request.team.id, request.params.id));

  app.get('/:id/trials', { schema: { params: runParams, response: { 200: trialListSchema } } }, async (request) => experimentTrials(app, request.team.id, request.params.id));

  app.post('/:id/cancel', { schema: one }, async (request) => experimentDto(app, await cancelExperiment(deps, request.team.id, request.params.id)));

  app.post('/:id/pause', { schema: one }, async (request) => experimentDto(app, await pauseExperiment(deps, request.team.id, request.params.id)));

  app.post('/:id/resume', { schema: one }, async (request) => experimentDto(app, await resumeExperiment(deps, request.team.id, request.params.id)));

  app.post('/:id/extend', { schema: { ...one, body: extendExperimentSchema } }, async (request) =>
    experimentDto(app, await extendExperiment(deps, request.team.id, request.params.id, request.body)),
  );

  app.delete('/:id', { schema: { params: runParams } }, async (request, reply) => {
    await deleteExperiment(deps, request.team.id, request.params.id);
    return reply.status(204).send();
  });

  app.get('/:id/best/model/model.json', { schema: { params: runParams } }, async (request, reply) => {
    const file = await bestModelFile(app, request.team.id, request.params.id, 'model.json');
    return reply.type('application/json').send(createReadStream(file));
  });

  app.get('/:id/best/model/:file', { schema: { params: modelFileParams } }, async (request, reply) => {
    const file = await bestModelFile(app, request.team.id, request.params.id, request.params.file);
    return reply.type('application/octet-stream').send(createReadStream(file));
  });

  app.post('/:id/best/predict', { schema: { params: runParams, body: predictBody, response: { 200: predictResponse } } }, async (request) =>
    predictBest(app, request.team.id, request.params.id, request.body),
  );
}
