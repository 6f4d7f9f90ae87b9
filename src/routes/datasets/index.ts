import type { FastifyInstance } from 'fastify';
import type { ZodTypeProvider } from 'fastify-type-provider-zod';
import { z } from 'zod';
import { AppError } from '../../errors/app-error.ts';
import { ingestDataset } from '../../datasets/dataset-ingest.ts';
import { datasetDtoSchema, datasetPageSchema } from '../../datasets/dataset.dto.ts';
import { deleteDataset, getDataset, listDatasets } from '../../datasets/datasets.service.ts';
import { pageQuerySchema } from '../../pagination/keyset-page.ts';
import type { ZipLimits } from '../../datasets/zip-archive.ts';
import { datasetPreview, datasetPreviewQuery, datasetPreviewSchema } from '../../datasets/dataset-preview.ts';

// Ids are plain strings here: a malformed id answers 404 like an unknown one, never 400.
const idParams = z.object({ id: z.string() });

export default async function datasetRoutes(fastify: FastifyInstance, opts: { zipLimits: ZipLimits }) {
  const app = fastify.withTypeProvider<ZodTypeProvider>();

  /** Multipart upload, parsed while the client waits; see `ingestDataset`. */
  app.post('/', { schema: { response: { 201: datasetDtoSchema } } }, async (request, reply) => {
    if (!request.isMultipart()) throw new AppError('UNSUPPORTED_MEDIA_TYPE', 'Upload datasets as multipart/form-data');
    // A team already at its stored-bytes limit is refused before its upload is read.
    await app.quotas.assertCanStore(app.db, request.team.id, 0);
    const dataset = await ingestDataset({ db: app.db, storage: app.storage, quotas: app.quotas, zipLimits: opts.zipLimits }, request.team.id, request.uploadParts());
    return reply.status(201).send(dataset);
  });

  app.get('/', { schema: { querystring: pageQuerySchema, response: { 200: datasetPageSchema } } }, async (request) =>
    listDatasets(app.db, request.team.id, request.query),
  );

  app.get('/:id', { schema: { params: idParams, response: { 200: datasetDtoSchema } } }, async (request) =>
    getDataset(app.db, request.team.id, request.params.id),
  );

  /** Class counts, column statistics and a few samples in uploaded units: what the dashboard draws. */
  app.get('/:id/preview', { schema: { params: idParams, querystring: datasetPreviewQuery, response: { 200: datasetPreviewSchema } } }, async (request) =>
    datasetPreview(app.db, app.storage, request.team.id, request.params.id, request.query.samples),
  );

  app.delete('/:id', { schema: { params: idParams } }, async (request, reply) => {
    await deleteDataset(app.db, app.storage, request.team.id, request.params.id);
    return reply.status(204).send();
  });
}
