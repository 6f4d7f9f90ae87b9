import { z } from 'zod';
import { AppError } from '../errors/app-error.ts';
import type { DbTx } from '../db/prisma-client.ts';
import type { Storage } from '../storage/storage.ts';
import type { DatasetDto } from './dataset.dto.ts';
import { getDataset } from './datasets.service.ts';
import { DatasetRows, readTargets } from './dataset-rows.ts';

export const datasetPreviewQuery = z.object({
  /** How many samples to return, spread evenly over the dataset. */
  samples: z.coerce.number().int().min(0).max(64).default(16),
});

const columnStats = z.object({ index: z.number().int(), min: z.number(), max: z.number(), mean: z.number(), std: z.number() });

export const datasetPreviewSchema = z.object({
  datasetId: z.string(),
  /** Classification: samples per class; multi-label: samples carrying each label; regression: null. */
  classCounts: z.array(z.object({ name: z.string(), count: z.number().int() })).nullable(),
  /** Flat (CSV) inputs only: each feature column in uploaded units, over the first `statsRows` rows. */
  columns: z.array(columnStats).nullable(),
  statsRows: z.number().int(),
  /** Features in uploaded units (pixels 0..255), row-major in `inputShape`, with their targets. */
  samples: z.array(z.object({ index: z.number().int(), target: z.array(z.number()), features: z.array(z.number()) })),
});
export type DatasetPreview = z.infer<typeof datasetPreviewSchema>;

/** Column statistics read at most this many rows: enough to describe a table, bounded in time. */
const STATS_MAX_ROWS = 50_000;
/** Sample features returned at most, all samples together: 16 MNIST digits are 12,544. */
const SAMPLE_MAX_VALUES = 200_000;

const product = (shape: number[]) => shape.reduce((a, b) => a * b, 1);

function classCounts(d: DatasetDto, targets: Float32Array): DatasetPreview['classCounts'] {
  if (d.task === 'regression' || d.classNames.length === 0) return null;
  const counts = new Array<number>(d.classNames.length).fill(0);
  const width = product(d.targetShape);
  for (let i = 0; i < targets.length; i++) {
    if (d.task === 'multilabel') counts[i % width] += targets[i] > 0.5 ? 1 : 0;
    else if (Number.isInteger(targets[i]) && targets[i] >= 0 && targets[i] < counts.length) counts[targets[i]]++;
  }
  return d.classNames.map((name, i) => ({ name, count: counts[i] }));
}

function stats(values: Float64Array, columns: number): z.infer<typeof columnStats>[] {
  const rows = values.length / columns;
  return Array.from({ length: columns }, (_, j) => {
    let min = Infinity;
    let max = -Infinity;
    let sum = 0;
    let squares = 0;
    for (let r = 0; r < rows; r++) {
      const v = values[r * columns + j];
      min = Math.min(min, v);
      max = Math.max(max, v);
      sum += v;
      squares += v * v;
    }
    const mean = sum / rows;
    return { index: j, min, max, mean, std: Math.sqrt(Math.max(0, squares / rows - mean * mean)) };
  });
}

async function samplesOf(rows: DatasetRows, d: DatasetDto, targets: Float32Array, wanted: number): Promise<DatasetPreview['samples']> {
  const rowValues = product(d.inputShape);
  const width = product(d.targetShape);
  const count = Math.min(wanted, d.numSamples, Math.floor(SAMPLE_MAX_VALUES / rowValues));
  const indices = Array.from({ length: count }, (_, i) => Math.floor((i * d.numSamples) / count));
  return Promise.all(
    indices.map(async (index) => ({ index, target: Array.from(targets.subarray(index * width, (index + 1) * width)), features: Array.from(await rows.read(index, 1)) })),
  );
}

/**
 * What a dataset holds, for a person looking at it: class balance, column statistics (tables),
 * and a few samples to draw (images) or read (rows). 409 while it is still processing.
 */
export async function datasetPreview(db: DbTx, storage: Storage, teamId: string, id: string, wanted: number): Promise<DatasetPreview> {
  const d = await getDataset(db, teamId, id);
  if (d.status !== 'ready') throw new AppError('DATASET_NOT_READY', `Dataset is ${d.status}`);
  const dir = storage.datasetDir(d.id);
  const targets = await readTargets(dir);
  const rows = await DatasetRows.open(dir, product(d.inputShape), d.preprocessing);
  try {
    const flat = d.inputShape.length === 1;
    const statsRows = flat ? Math.min(d.numSamples, STATS_MAX_ROWS) : 0;
    return {
      datasetId: d.id,
      classCounts: classCounts(d, targets),
      columns: flat ? (statsRows > 0 ? stats(await rows.read(0, statsRows), d.inputShape[0]) : []) : null,
      statsRows,
      samples: await samplesOf(rows, d, targets, wanted),
    };
  } finally {
    await rows.close();
  }
}
