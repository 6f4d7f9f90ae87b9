import type { Dataset } from '../generated/prisma/client.ts';
import { AppError } from '../errors/app-error.ts';
import { historyKeyOf } from './metric-names.ts';
import { monitorKey } from './callbacks-spec.schema.ts';
import type { RunSpec } from './run-spec.schema.ts';
import { checkAugmentationFits } from './augmentation-spec.schema.ts';

/**
 * Checks of a spec's `fit`, `callbacks` and `augmentation` against its training dataset,
 * made before a run is queued (the schema has already checked each field alone).
 */
export function checkSpecAgainstDataset(spec: RunSpec, training: Dataset): void {
  checkClassWeight(spec, training);
  checkMonitors(spec);
  if (spec.augmentation) checkAugmentationFits(training.inputShape);
}

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

/** What each epoch of the run reports: `loss`, its compiled metrics, and their `val_` twins with validation data. */
export function reportedMetrics(spec: RunSpec): string[] {
  const hasValidation = spec.fit.validationSplit > 0 || Boolean(spec.fit.validationDatasetId);
  const names = ['loss', ...new Set((spec.compile.metrics ?? []).map(historyKeyOf))];
  return [...names, ...(hasValidation ? names.map((n) => `val_${n}`) : [])];
}

/**
 * Every callback's `monitor` must be a value the epochs will report: `loss` or a compiled
 * metric (tfjs's names), prefixed `val_` only when the run has validation data.
 */
export function checkMonitors(spec: RunSpec): void {
  const hasValidation = spec.fit.validationSplit > 0 || Boolean(spec.fit.validationDatasetId);
  const available = reportedMetrics(spec);
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
