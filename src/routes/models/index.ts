import type { FastifyInstance } from 'fastify';
import type { ZodTypeProvider } from 'fastify-type-provider-zod';
import { z } from 'zod';
import { AppError } from '../../errors/app-error.ts';
import { baseModelDtoSchema, baseModelPageSchema } from '../../models/base-model.dto.ts';
import { deleteBaseModel, getBaseModel, listBaseModels, uploadBaseModel } from '../../models/base-models.service.ts';
import { MAX_WEIGHT_FILES } from '../../models/model-upload.ts';
import { pageQuerySchema } from '../../pagination/keyset-page.ts';

// Ids are plain strings here: a malformed id answers 404 like an unknown one, never 400.
const idParams = z.object({ id: z.string() });

/** Uploaded base models for transfer learning: tfjs layers format (also what tensorflowjs_converter makes of a Keras model). */
export default async function modelRoutes(fastify: FastifyInstance, opts: { maxBytes: number }) {
  const app = fastify.withTypeProvider<ZodTypeProvider>();

  app.post('/', { schema: { response: { 201: baseModelDtoSchema } } }, async (request, reply) => {
    if (!request.isMultipart()) throw new AppError('UNSUPPORTED_MEDIA_TYPE', 'Upload models as multipart/form-data');
    // A team already at its stored-bytes limit is refused before the body is read.
    await app.quotas.assertCanStore(app.db, request.team.id, 0);
    // A sharded model has many weight files: more file parts than a dataset upload may have.
    const parts = request.uploadParts({ limits: { files: MAX_WEIGHT_FILES + 1, parts: MAX_WEIGHT_FILES + 4 } });
    const model = await uploadBaseModel({ db: app.db, storage: app.storage, compute: app.compute, maxBytes: opts.maxBytes, quotas: app.quotas }, request.team.id, parts);
    return reply.status(201).send(model);
  });

  app.get('/', { schema: { querystring: pageQuerySchema, response: { 200: baseModelPageSchema } } }, async (request) => listBaseModels(app.db, request.team.id, request.query));

  app.get('/:id', { schema: { params: idParams, response: { 200: baseModelDtoSchema } } }, async (request) => getBaseModel(app.db, request.team.id, request.params.id));

  app.delete('/:id', { schema: { params: idParams } }, async (request, reply) => {
    await deleteBaseModel(app.db, app.storage, request.team.id, request.params.id);
    return reply.status(204).send();
  });
}
