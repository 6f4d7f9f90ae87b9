import type { Dataset } from '../generated/prisma/client.ts';
import type { DbTx } from '../db/prisma-client.ts';
import { AppError } from '../errors/app-error.ts';
import { historyKeyOf } from './metric-names.ts';
import { monitorKey } from './callbacks-spec.schema.ts';
import type { RunSpec } from './run-spec.schema.ts';

/**
 * Checks of a spec's `fit` and `callbacks` that need its datasets, made before a run is
 * queued (the schema has already checked each field alone).
 */

/** What must match for a dataset to stand in for the training data: shapes, task and classes. */
export function datasetMismatch(candidate: Dataset, training: Dataset): Record<string, { expected: unknown; got: unknown }> | null {
  const diffs: Record<string, { expected: unknown; got: unknown }> = {};
  const compare = (name: string, expected: unknown, got: unknown) => {
    if (JSON.stringify(expected) !== JSON.stringify(got)) diffs[name] = { expected, got };
  };
  compare('inputShape', training.inputShape, candidate.inputShape);
  compare('targetShape', training.targetShape, candidate.targetShape);
  compare('task', training.task, candidate.task);
  compare('numClasses', training.numClasses, candidate.numClasses);
  if (training.task !== 'regression') compare('classNames', training.classNames, candidate.classNames);
  return Object.keys(diffs).length ? diffs : null;
}

/**
 * A team dataset that may be evaluated against `training`: 404 when it is not the team's,
 * 409 while not ready, 400 DATASET_MISMATCH naming what differs.
 */
export async function matchingTeamDataset(db: DbTx, teamId: string, datasetId: string, training: Dataset, path: (string | number)[]): Promise<Dataset> {
  const dataset = await db.dataset.findFirst({ where: { id: datasetId, teamId } });
  if (!dataset) throw new AppError('NOT_FOUND', 'dataset not found', { datasetId, path });
  if (dataset.status !== 'ready') {
    throw new AppError('DATASET_NOT_READY', `dataset is ${dataset.status}, not ready`, { datasetId, status: dataset.status, path });
  }
  const diffs = datasetMismatch(dataset, training);
  if (diffs) {
    const what = Object.keys(diffs).join(', ');
    throw new AppError('DATASET_MISMATCH', `dataset ${datasetId} does not match the training dataset ${training.id}: its ${what} differ`, { datasetId, path, differences: diffs });
  }
  return dataset;
}

/** Class weights only mean something for single-label classification, and only for classes the dataset has. */
export function checkClassWeight(spec: RunSpec, training: Dataset): void {
  const cw = spec.fit.classWeight;
  if (cw === undefined) return;
  if (training.task !== 'classification') {
    throw new AppError('VALIDATION_FAILED', `classWeight needs a classification dataset; this one is ${training.task}`, { path: ['fit', 'classWeight'] });
  }
  if (cw === 'balanced') return;
  const k = training.numClasses ?? 0;
  const bad = Object.keys(cw).find((c) => Number(c) >= k);
  if (bad !== undefined) {
    throw new AppError('VALIDATION_FAILED', `classWeight names class ${bad}; the dataset has classes 0..${k - 1}`, { path: ['fit', 'classWeight', bad] });
  }
}

/**
 * Every callback's `monitor` must be a value the epochs will report: `loss` or a compiled
 * metric (tfjs's names), prefixed `val_` only when the run has validation data.
 */
export function checkMonitors(spec: RunSpec): void {
  const hasValidation = spec.fit.validationSplit > 0 || Boolean(spec.fit.validationDatasetId);
  const names = ['loss', ...new Set((spec.compile.metrics ?? []).map(historyKeyOf))];
  const available = [...names, ...(hasValidation ? names.map((n) => `val_${n}`) : [])];
  for (const name of ['earlyStopping', 'modelCheckpoint', 'reduceLROnPlateau'] as const) {
    const monitor = spec.callbacks?.[name]?.monitor;
    if (monitor === undefined || available.includes(monitorKey(monitor))) continue;
    const hint = monitor.startsWith('val_') && !hasValidation ? ': the run has no validation data (set fit.validationSplit or fit.validationDatasetId)' : '';
    throw new AppError('VALIDATION_FAILED', `callbacks.${name}.monitor "${monitor}" is not reported by this run${hint}; it reports ${available.join(', ')}`, {
      path: ['callbacks', name, 'monitor'],
      available,
    });
  }
}
