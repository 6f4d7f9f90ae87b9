import type { Dataset } from '../../client/src/index.ts';
import { formatBytes, formatShape, formatTime } from '../output/format.ts';
import { formatTable } from '../output/table.ts';

/** What the parser made of a dataset, in one line: samples, input shape, classes or target. */
export function describeDataset(d: Dataset): string {
  if (d.status === 'failed') return `failed: ${d.error ?? 'unknown error'}`;
  const target = d.task === 'classification'
    ? `${d.numClasses} classes${d.classNames?.length ? ` (${d.classNames.slice(0, 10).join(', ')}${d.classNames.length > 10 ? ', …' : ''})` : ''}`
    : `${d.task}, target ${formatShape(d.targetShape)}`;
  return `${d.numSamples} samples, input ${formatShape(d.inputShape)}, ${target}`;
}

export function datasetsTable(datasets: Dataset[]): string {
  return formatTable(
    ['ID', 'NAME', 'FORMAT', 'STATUS', 'SAMPLES', 'INPUT', 'SIZE', 'CREATED'],
    datasets.map((d) => [d.id, d.name, d.format, d.status, String(d.numSamples), formatShape(d.inputShape), formatBytes(d.bytes), formatTime(d.createdAt)]),
  );
}
