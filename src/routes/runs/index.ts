import type { FastifyInstance } from 'fastify';
import { createReadStream } from 'node:fs';
import { access } from 'node:fs/promises';
import path from 'node:path';
import type { ZodTypeProvider } from 'fastify-type-provider-zod';
import { AppError, notFound } from '../../errors/app-error.ts';
import { runSpecSchema } from '../../spec/run-spec.schema.ts';
import { cancelRun, deleteRun, pauseRun, resumeRun, submitRun } from '../../runs/runs.service.ts';
import { findTeamRun, listCheckpoints, listEpochs, listTeamRuns } from '../../runs/runs.repository.ts';
import { toCheckpointDto, toEpochDto, toRunDto } from '../../runs/run-dto.ts';
import { datasetInfoOf } from '../../datasets/dataset-info.ts';
import { isUuid } from '../../db/is-uuid.ts';
import { encodeCursor } from '../../pagination/page-cursor.ts';
import { evaluateBody, listRunsQuery, modelFileParams, predictBody, runParams } from './schemas.ts';
import { evaluateRun } from '../../runs/evaluate-run.ts';

export default async function runRoutes(fastify: FastifyInstance, opts: { redisPrefix: string }) {
  const app = fastify.withTypeProvider<ZodTypeProvider>();
  const deps = Object.assign(Object.create(app) as FastifyInstance, { redisPrefix: opts.redisPrefix });

  /** The caller's run or a 404; malformed ids are 404 too, so ids reveal nothing. */
  async function teamRun(teamId: string, id: string) {
    const run = isUuid(id) ? await findTeamRun(app.db, teamId, id) : null;
    if (!run) throw notFound('run');
    return run;
  }

  app.post('/', { schema: { body: runSpecSchema } }, async (request, reply) => {
    const run = await submitRun(deps, request.team.id, request.body);
    return reply.status(201).send(toRunDto(run));
  });

  app.get('/', { schema: { querystring: listRunsQuery } }, async (request) => {
    const { limit, cursor, status } = request.query;
    // One extra row tells whether another page exists without a count query.
    const rows = await listTeamRuns(app.db, request.team.id, { limit: limit + 1, after: cursor, status });
    const page = rows.slice(0, limit);
    const last = page.at(-1);
    return { items: page.map(toRunDto), nextCursor: rows.length > limit && last ? encodeCursor(last) : null };
  });

  app.get('/:id', { schema: { params: runParams } }, async (request) => toRunDto(await teamRun(request.team.id, request.params.id)));

  app.delete('/:id', { schema: { params: runParams } }, async (request, reply) => {
    const run = await teamRun(request.team.id, request.params.id);
    await deleteRun(deps, request.team.id, run.id);
    return reply.status(204).send();
  });

  app.get('/:id/metrics', { schema: { params: runParams } }, async (request) => {
    const run = await teamRun(request.team.id, request.params.id);
    return { runId: run.id, epochs: (await listEpochs(app.db, run.id)).map(toEpochDto) };
  });

  app.get('/:id/checkpoints', { schema: { params: runParams } }, async (request) => {
    const run = await teamRun(request.team.id, request.params.id);
    return { runId: run.id, checkpoints: (await listCheckpoints(app.db, run.id)).map(toCheckpointDto) };
  });

  app.post('/:id/cancel', { schema: { params: runParams } }, async (request) =>
    toRunDto(await cancelRun(deps, request.team.id, request.params.id)),
  );

  app.post('/:id/pause', { schema: { params: runParams } }, async (request) =>
    toRunDto(await pauseRun(deps, request.team.id, request.params.id)),
  );

  app.post('/:id/resume', { schema: { params: runParams } }, async (request) =>
    toRunDto(await resumeRun(deps, request.team.id, request.params.id)),
  );

  /** The model in tfjs layers format; its weight paths are relative, so they resolve under this prefix. */
  app.get('/:id/model/model.json', { schema: { params: runParams } }, async (request, reply) => {
    const run = await teamRun(request.team.id, request.params.id);
    const file = path.join(await modelDirOf(run.id), 'model.json');
    return reply.type('application/json').send(createReadStream(file));
  });

  app.get('/:id/model/:file', { schema: { params: modelFileParams } }, async (request, reply) => {
    const run = await teamRun(request.team.id, request.params.id);
    const file = path.join(await modelDirOf(run.id), request.params.file);
    if (!(await exists(file))) throw notFound('model file');
    return reply.type('application/octet-stream').send(createReadStream(file));
  });

  app.post('/:id/predict', { schema: { params: runParams, body: predictBody } }, async (request) => {
    const run = await teamRun(request.team.id, request.params.id);
    const modelDir = await modelDirOf(run.id);
    const dataset = await app.db.dataset.findUniqueOrThrow({ where: { id: run.datasetId } });
    return app.compute.predict({ modelDir, instances: request.body.instances, ...datasetInfoOf(dataset) });
  });

  app.post('/:id/evaluate', { schema: { params: runParams, body: evaluateBody } }, async (request) => {
    if (!isUuid(request.params.id)) throw notFound('run');
    return evaluateRun(app, request.team.id, request.params.id, request.body.datasetId);
  });

  async function modelDirOf(runId: string): Promise<string> {
    const dir = app.storage.modelDir(runId);
    if (!(await exists(path.join(dir, 'model.json')))) {
      throw new AppError('NO_MODEL', 'this run has no trained model yet', { runId });
    }
    return dir;
  }
}

async function exists(file: string): Promise<boolean> {
  return access(file).then(() => true, () => false);
}
