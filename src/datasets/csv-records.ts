import { Readable } from 'node:stream';
import { CsvError, parse, type InfoRecord } from 'csv-parse';
import { AppError } from '../errors/app-error.ts';
import { readDecompressed } from './decompressed-stream.ts';

export interface CsvRecord {
  /** 1-based line of the file where the record ends, as a spreadsheet numbers rows. */
  row: number;
  values: string[];
}

/** One record can't hold a whole upload in memory (e.g. a file with no line breaks). */
const MAX_RECORD_BYTES = 1024 * 1024;

/**
 * Most bytes of CSV text one upload may hold once gunzipped: a table of 4 GiB is far past what
 * a worker trains from memory, and it bounds what a gzip bomb that keeps under the ratio can
 * inflate to.
 */
export const MAX_CSV_BYTES = 4 * 1024 ** 3;

/**
 * Streams the records of a CSV file, raw or gzipped (a `.csv.gz` is gunzipped as it streams,
 * stopped at `maxRatio` times its size: ZIP_BOMB). Column counts are not enforced here
 * (`relax_column_count`) so the caller can name the ragged row in its own error; syntax errors
 * (an unclosed quote) become INVALID_DATASET with the line csv-parse stopped at.
 */
export async function* readCsvRecords(file: string, maxRatio: number): AsyncGenerator<CsvRecord> {
  const input = Readable.from(readDecompressed(file, { part: 'file', maxBytes: MAX_CSV_BYTES, maxRatio }));
  const parser = parse({ bom: true, trim: true, skip_empty_lines: true, relax_column_count: true, info: true, max_record_size: MAX_RECORD_BYTES });
  input.on('error', (err) => parser.destroy(err));
  input.pipe(parser);
  try {
    for await (const { record, info } of parser as AsyncIterable<{ record: string[]; info: InfoRecord }>) {
      yield { row: info.lines, values: record };
    }
  } catch (err) {
    if (err instanceof CsvError) {
      const row = typeof err.lines === 'number' ? err.lines : undefined;
      throw new AppError('INVALID_DATASET', `CSV is malformed${row ? ` at row ${row}` : ''}: ${err.message}`, { row: row ?? null, reason: err.code });
    }
    throw err;
  } finally {
    input.destroy();
    parser.destroy();
  }
}

const DECIMAL = /^[+-]?(?:\d+\.?\d*|\.\d+)(?:[eE][+-]?\d+)?$/;

/** A strictly decimal number, or undefined: `''`, `NaN`, `0x1f` and `1,5` are not numbers here. */
export function parseDecimal(text: string): number | undefined {
  if (!DECIMAL.test(text)) return undefined;
  const value = Number(text);
  return Number.isFinite(value) ? value : undefined;
}
