import type { components } from '../../client/src/index.ts';
import type { Colours } from '../output/colours.ts';
import { formatNumber, formatTime } from '../output/format.ts';
import { formatTable } from '../output/table.ts';

type Run = components['schemas']['Run'];
type EpochMetrics = components['schemas']['EpochMetrics'];

export function paintStatus(colours: Colours, status: string): string {
  if (status === 'completed') return colours.green(status);
  if (status === 'failed') return colours.red(status);
  if (status === 'canceled' || status === 'paused') return colours.yellow(status);
  return status;
}

const metricsText = (metrics: Record<string, number> | null) =>
  metrics ? Object.entries(metrics).map(([k, v]) => `${k}=${formatNumber(v)}`).join(' ') : '-';

export function runsTable(colours: Colours, runs: Run[]): string {
  return formatTable(
    ['ID', 'STATUS', 'EPOCH', 'BACKEND', 'LATEST', 'CREATED'],
    runs.map((r) => [r.id, paintStatus(colours, r.status), `${r.currentEpoch}/${r.totalEpochs}`, r.backend ?? '-', metricsText(r.latestMetrics), formatTime(r.createdAt)]),
  );
}

/** `runs show`: the run's row, then what happened to it. */
export function runDetails(colours: Colours, run: Run): string[] {
  const lines = [runsTable(colours, [run]), ''];
  lines.push(`dataset:  ${run.datasetId}`);
  if (run.device) lines.push(`device:   ${run.device}`);
  if (run.stopReason) lines.push(`stopped:  ${run.stopReason}`);
  if (run.error) lines.push(`error:    ${colours.red(run.error.code)}: ${run.error.message}`);
  if (run.testMetrics) lines.push(`test:     ${metricsText(run.testMetrics)}`);
  lines.push(`started:  ${formatTime(run.startedAt)}`, `finished: ${formatTime(run.finishedAt)}`);
  return lines;
}

/** `runs metrics`: one row per epoch; validation and accuracy columns only when the run has them. */
export function metricsTable(epochs: EpochMetrics[]): string {
  const optional = (['acc', 'val_loss', 'val_acc'] as const).filter((k) => epochs.some((e) => e[k] !== null && e[k] !== undefined));
  return formatTable(
    ['EPOCH', 'LOSS', ...optional.map((k) => k.toUpperCase()), 'MS', 'SAMPLES/S'],
    epochs.map((e) => [String(e.epoch), formatNumber(e.loss), ...optional.map((k) => formatNumber(e[k])), String(e.durationMs), formatNumber(Math.round(e.samplesPerSec))]),
  );
}

type Evaluation = components['schemas']['Evaluation'];

/** `runs evaluate`: the metrics, then the confusion matrix with true classes as rows. */
export function evaluationLines(e: Evaluation): string[] {
  const lines = [`${e.numSamples} samples of ${e.datasetId}: ${metricsText(e.metrics)}`];
  const cm = e.confusionMatrix;
  if (cm) {
    lines.push('', 'confusion matrix (rows: true class, columns: predicted)');
    lines.push(formatTable(['', ...cm.classNames], cm.matrix.map((row, i) => [cm.classNames[i], ...row.map(String)])));
  }
  return lines;
}
