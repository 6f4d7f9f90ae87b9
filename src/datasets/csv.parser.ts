import { AppError } from '../errors/app-error.ts';
import { sortClassNames } from './class-names.ts';
import { ColumnStats } from './column-stats.ts';
import { readCsvRecords, parseDecimal, type CsvRecord } from './csv-records.ts';
import { Float32FileWriter, featuresPath, targetsPath } from './dataset-files.ts';
import type { DatasetTask, ParsedDataset } from './parsed-dataset.ts';
import { applyPreprocessing, type Preprocessing } from './preprocessing.ts';
import type { WriteBudget } from './write-budget.ts';

export interface CsvParseOptions {
  /** Column name, or 0-based index; default: the last column. Comma-separated for several (multilabel, or regression with several targets). */
  label?: string;
  task: DatasetTask;
  /** Whether the first record names the columns. */
  header: boolean;
  /** Highest gunzipped/compressed ratio of a gzipped file (ZIP_MAX_COMPRESSION_RATIO). */
  maxCompressionRatio: number;
}

/** More distinct labels than this is almost surely a numeric column meant for regression. */
export const MAX_CSV_CLASSES = 10_000;

interface CsvLayout {
  /** Names for messages: the header's, or `column N` without one. */
  columns: string[];
  /** The first label column (the only one for classification). */
  labelIndex: number;
  /** Every label column, in the order `label` names them. */
  labelIndices: number[];
  featureIndices: number[];
}

interface CsvScan {
  layout: CsvLayout;
  stats: ColumnStats;
  classNames: string[];
  numSamples: number;
}

/**
 * Converts a CSV file into `features.f32` / `targets.f32` in `outDir`. Two passes over the
 * file: the first validates every row and computes the per-column mean and std, the second
 * writes the standardized features, so the upload is never held in memory.
 */
export async function parseCsvDataset(file: string, options: CsvParseOptions, outDir: string, budget?: WriteBudget): Promise<ParsedDataset> {
  const scan = await scanCsv(file, options);
  const preprocessing: Preprocessing = { kind: 'standardize', mean: scan.stats.mean(), std: scan.stats.std() };
  const bytes = await writeCsv(file, options, scan, preprocessing, outDir, budget);
  const classification = options.task === 'classification';
  const multilabel = options.task === 'multilabel';
  const labelNames = scan.layout.labelIndices.map((i) => scan.layout.columns[i]);
  return {
    task: options.task,
    numSamples: scan.numSamples,
    inputShape: [scan.layout.featureIndices.length],
    targetShape: [scan.layout.labelIndices.length],
    // Multi-label: one 0/1 target per label column, each column a class name.
    numClasses: classification ? scan.classNames.length : multilabel ? labelNames.length : null,
    classNames: classification ? scan.classNames : multilabel ? labelNames : [],
    preprocessing,
    bytes,
  };
}

async function scanCsv(file: string, options: CsvParseOptions): Promise<CsvScan> {
  let layout: CsvLayout | undefined;
  let stats: ColumnStats | undefined;
  const classes = new Set<string>();
  let numSamples = 0;
  let features = new Float32Array(0);
  for await (const record of readCsvRecords(file, options.maxCompressionRatio)) {
    if (!layout) {
      layout = resolveLayout(record, options);
      stats = new ColumnStats(layout.featureIndices.length);
      features = new Float32Array(layout.featureIndices.length);
      if (options.header) continue;
    }
    readFeatures(record, layout, features);
    stats!.add(features);
    if (options.task === 'classification') {
      classes.add(readClassName(record, layout));
      if (classes.size > MAX_CSV_CLASSES) {
        throw new AppError('INVALID_DATASET', `Label column "${layout.columns[layout.labelIndex]}" has more than ${MAX_CSV_CLASSES} distinct values; use task=regression for a numeric target`, { row: record.row, column: layout.columns[layout.labelIndex] });
      }
    } else {
      readTargets(record, layout, options.task, new Float32Array(layout.labelIndices.length));
    }
    numSamples++;
  }
  if (!layout || !stats) throw new AppError('INVALID_DATASET', 'CSV file is empty', { row: 1 });
  if (numSamples === 0) {
    const row = options.header ? 2 : 1;
    throw new AppError('INVALID_DATASET', `CSV has no data rows (expected one at row ${row})`, { row });
  }
  const classNames = sortClassNames(classes);
  if (options.task === 'classification' && classNames.length < 2) {
    throw new AppError('INVALID_DATASET', `Classification needs at least 2 classes; label column "${layout.columns[layout.labelIndex]}" has ${classNames.length}`, { column: layout.columns[layout.labelIndex], classNames });
  }
  return { layout, stats, classNames, numSamples };
}

async function writeCsv(file: string, options: CsvParseOptions, scan: CsvScan, preprocessing: Preprocessing, outDir: string, budget?: WriteBudget): Promise<number> {
  const { layout } = scan;
  const numFeatures = layout.featureIndices.length;
  const classIndex = new Map(scan.classNames.map((name, i) => [name, i]));
  const featuresOut = new Float32FileWriter(featuresPath(outDir), budget);
  const targetsOut = new Float32FileWriter(targetsPath(outDir), budget);
  const target = new Float32Array(layout.labelIndices.length);
  try {
    let skipHeader = options.header;
    for await (const record of readCsvRecords(file, options.maxCompressionRatio)) {
      if (skipHeader) {
        skipHeader = false;
        continue;
      }
      const features = applyPreprocessing(preprocessing, readFeatures(record, layout, new Float32Array(numFeatures)), numFeatures);
      assertFiniteFeatures(record, layout, features);
      await featuresOut.push(features);
      if (options.task === 'classification') target[0] = classIndex.get(readClassName(record, layout))!;
      else readTargets(record, layout, options.task, target);
      await targetsOut.push(target);
    }
  } catch (err) {
    await Promise.allSettled([featuresOut.close(), targetsOut.close()]);
    throw err;
  }
  return (await featuresOut.close()) + (await targetsOut.close());
}

function resolveLayout(first: CsvRecord, options: CsvParseOptions): CsvLayout {
  const width = first.values.length;
  if (width < 2) {
    throw new AppError('INVALID_DATASET', `CSV needs at least two columns (features and a label); row ${first.row} has ${width}`, { row: first.row });
  }
  const columns = options.header ? first.values : first.values.map((_, i) => `column ${i}`);
  const header = options.header ? first.values : [];
  // A header naming the whole string wins, so a column literally called "a,b" stays one label.
  const labels = options.label !== undefined && header.indexOf(options.label) < 0 && options.label.includes(',') ? options.label.split(',').map((l) => l.trim()) : [options.label];
  const labelIndices = labels.map((label) => {
    const index = resolveLabel(label, header, width);
    if (index === undefined) {
      throw new AppError('INVALID_DATASET', `Label ${JSON.stringify(label)} is neither a column name nor a column index (0..${width - 1})`, { label, columns });
    }
    return index;
  });
  if (new Set(labelIndices).size !== labelIndices.length) {
    throw new AppError('INVALID_DATASET', `Label ${JSON.stringify(options.label)} names a column twice`, { label: options.label, columns });
  }
  if (labelIndices.length > 1 && options.task === 'classification') {
    throw new AppError('INVALID_DATASET', `Several label columns need task=multilabel (0/1 per column) or task=regression, not classification`, { label: options.label });
  }
  if (labelIndices.length >= width) {
    throw new AppError('INVALID_DATASET', `Label ${JSON.stringify(options.label)} leaves no feature columns`, { label: options.label, columns });
  }
  const featureIndices = columns.map((_, i) => i).filter((i) => !labelIndices.includes(i));
  return { columns, labelIndex: labelIndices[0], labelIndices, featureIndices };
}

/** Fills `out` with the row's targets: the label columns' numbers, which must be 0 or 1 for multi-label. */
function readTargets(record: CsvRecord, layout: CsvLayout, task: DatasetTask, out: Float32Array): Float32Array {
  layout.labelIndices.forEach((column, j) => {
    const value = readNumber(record, layout, column);
    if (task === 'multilabel' && value !== 0 && value !== 1) {
      const name = layout.columns[column];
      throw new AppError('INVALID_DATASET', `Row ${record.row}, column "${name}": a multi-label target must be 0 or 1, got ${value}`, { row: record.row, column: name, value });
    }
    out[j] = value;
  });
  return out;
}

/** A header name wins over an index, so a column literally named "2" can still be chosen. */
function resolveLabel(label: string | undefined, header: string[], width: number): number | undefined {
  if (label === undefined) return width - 1;
  const byName = header.indexOf(label);
  if (byName >= 0) return byName;
  if (/^\d+$/.test(label) && Number(label) < width) return Number(label);
  return undefined;
}

function checkWidth(record: CsvRecord, layout: CsvLayout): void {
  if (record.values.length !== layout.columns.length) {
    throw new AppError('INVALID_DATASET', `Row ${record.row} has ${record.values.length} columns, expected ${layout.columns.length}`, {
      row: record.row,
      expected: layout.columns.length,
      got: record.values.length,
    });
  }
}

function readFeatures(record: CsvRecord, layout: CsvLayout, out: Float32Array): Float32Array {
  checkWidth(record, layout);
  layout.featureIndices.forEach((column, j) => {
    out[j] = readNumber(record, layout, column);
  });
  return out;
}

/** Each value was checked to fit float32; standardizing must keep it so (a tiny std could not). */
function assertFiniteFeatures(record: CsvRecord, layout: CsvLayout, features: Float32Array): void {
  const j = features.findIndex((v) => !Number.isFinite(v));
  if (j < 0) return;
  const name = layout.columns[layout.featureIndices[j]];
  throw new AppError('INVALID_DATASET', `Row ${record.row}, column "${name}": standardizing this value leaves the float32 range`, { row: record.row, column: name });
}

function readNumber(record: CsvRecord, layout: CsvLayout, column: number): number {
  const text = record.values[column];
  const value = parseDecimal(text);
  if (value === undefined) {
    const name = layout.columns[column];
    throw new AppError('INVALID_DATASET', `Row ${record.row}, column "${name}": ${JSON.stringify(text.slice(0, 50))} is not a number`, {
      row: record.row,
      column: name,
      value: text.slice(0, 50),
    });
  }
  // Stored as Float32: 1e39 is a finite double but Infinity once stored, and one infinite value
  // turns the column's mean and std (and so the dataset's preprocessing) into non-numbers.
  if (!Number.isFinite(Math.fround(value))) {
    const name = layout.columns[column];
    throw new AppError('INVALID_DATASET', `Row ${record.row}, column "${name}": ${text.slice(0, 50)} is beyond the float32 range (±3.4e38)`, {
      row: record.row,
      column: name,
      value: text.slice(0, 50),
    });
  }
  return value;
}

function readClassName(record: CsvRecord, layout: CsvLayout): string {
  const name = record.values[layout.labelIndex];
  if (name === '') {
    throw new AppError('INVALID_DATASET', `Row ${record.row}, column "${layout.columns[layout.labelIndex]}": the label is empty`, {
      row: record.row,
      column: layout.columns[layout.labelIndex],
    });
  }
  return name;
}
