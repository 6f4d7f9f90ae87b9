import { z } from 'zod';
import type { Dataset } from '../generated/prisma/client.ts';
import { preprocessingSchema } from './preprocessing.ts';

/**
 * A dataset as the API answers it. `bytes` is a BigInt in the database but a plain number on
 * the wire: JSON has no BigInt, and 2^53 bytes is far beyond any dataset we store.
 */
export const datasetDtoSchema = z.object({
  id: z.string(),
  name: z.string(),
  format: z.string(),
  task: z.string(),
  status: z.enum(['processing', 'ready', 'failed']),
  numSamples: z.number().int(),
  inputShape: z.array(z.number().int()),
  targetShape: z.array(z.number().int()),
  numClasses: z.number().int().nullable(),
  classNames: z.array(z.string()),
  preprocessing: preprocessingSchema,
  bytes: z.number().int(),
  error: z.unknown().nullable(),
  createdAt: z.string(),
});
export type DatasetDto = z.infer<typeof datasetDtoSchema>;

export const datasetPageSchema = z.object({
  items: z.array(datasetDtoSchema),
  /** Pass as `cursor` to get the next page; null on the last page. */
  nextCursor: z.string().nullable(),
});
export type DatasetPage = z.infer<typeof datasetPageSchema>;

// A row still processing (or failed) has the column default `{}`, which is no preprocessing.
const storedPreprocessing = preprocessingSchema.catch({ kind: 'none' });

/** Maps a Prisma row to its API shape; the runs side reuses it to embed datasets. */
export function toDatasetDto(row: Dataset): DatasetDto {
  return {
    id: row.id,
    name: row.name,
    format: row.format,
    task: row.task,
    status: row.status,
    numSamples: row.numSamples,
    inputShape: row.inputShape,
    targetShape: row.targetShape,
    numClasses: row.numClasses,
    classNames: row.classNames,
    preprocessing: storedPreprocessing.parse(row.preprocessing),
    bytes: Number(row.bytes),
    error: row.error ?? null,
    createdAt: row.createdAt.toISOString(),
  };
}
