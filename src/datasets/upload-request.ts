import path from 'node:path';
import { z } from 'zod';
import { AppError } from '../errors/app-error.ts';
import type { ReceivedFile, ReceivedUpload } from './upload-receiver.ts';

export const SUPPORTED_FORMATS = ['csv', 'idx', 'image-zip'] as const;

const nameField = z.string().trim().min(1).max(200);
const booleanField = z.enum(['true', 'false', '1', '0']).transform((v) => v === 'true' || v === '1');

/** Text fields of a CSV upload. Unknown fields are refused so a typo (`lable`) never silently falls back to a default. */
export const csvUploadFieldsSchema = z.strictObject({
  format: z.literal('csv'),
  name: nameField.optional(),
  /**
   * Column name, or 0-based column index; default: the last column. Several, comma-separated
   * (`a,b,c`), make a multi-label dataset (0/1 per column) or, with task=regression, several targets.
   */
  label: z.string().trim().min(1).optional(),
  /** Default: classification, or multilabel when `label` names several columns. */
  task: z.enum(['classification', 'regression', 'multilabel']).optional(),
  /** Whether the first row names the columns. */
  header: booleanField.default(true),
});
export type CsvUploadFields = z.infer<typeof csvUploadFieldsSchema>;

export const idxUploadFieldsSchema = z.strictObject({
  format: z.literal('idx'),
  name: nameField.optional(),
});

const imageSide = z.coerce.number().int().min(1).max(2048);

/** Text fields of an image-zip upload: the zip is the file part `file`, one folder per class. */
export const imageZipUploadFieldsSchema = z
  .strictObject({
    format: z.literal('image-zip'),
    name: nameField.optional(),
    /** Size every image is resized to; both or neither. Default: the first image's. */
    width: imageSide.optional(),
    height: imageSide.optional(),
    /** Default: grayscale when every image is stored grayscale, else rgb. */
    color: z.enum(['grayscale', 'rgb']).optional(),
  })
  .refine((f) => (f.width === undefined) === (f.height === undefined), { message: 'give both width and height, or neither', path: ['width'] });
export type ImageZipUploadFields = z.infer<typeof imageZipUploadFieldsSchema>;

export type UploadRequest =
  | { format: 'csv'; name: string; file: ReceivedFile; label?: string; task: NonNullable<CsvUploadFields['task']>; header: boolean }
  | { format: 'idx'; name: string; images: ReceivedFile; labels: ReceivedFile }
  | { format: 'image-zip'; name: string; file: ReceivedFile; width?: number; height?: number; color?: ImageZipUploadFields['color'] };

/** Checks the fields and file parts of a received upload against what its `format` needs. */
export function readUploadRequest({ fields, files }: ReceivedUpload): UploadRequest {
  const format = fields.format;
  if (format === undefined) throw new AppError('INVALID_UPLOAD', `Field "format" is required: one of ${SUPPORTED_FORMATS.join(', ')}`);
  if (format === 'csv') {
    const parsed = csvUploadFieldsSchema.parse(fields);
    const { file } = requireFiles(files, ['file']);
    const task = parsed.task ?? (parsed.label?.includes(',') ? 'multilabel' : 'classification');
    return { ...parsed, task, format, file, name: parsed.name ?? defaultName(file.filename) };
  }
  if (format === 'idx') {
    const parsed = idxUploadFieldsSchema.parse(fields);
    const { images, labels } = requireFiles(files, ['images', 'labels']);
    return { format, images, labels, name: parsed.name ?? defaultName(images.filename) };
  }
  if (format === 'image-zip') {
    const parsed = imageZipUploadFieldsSchema.parse(fields);
    const { file } = requireFiles(files, ['file']);
    return { ...parsed, format, file, name: parsed.name ?? defaultName(file.filename) };
  }
  throw new AppError('UNSUPPORTED_FORMAT', `Format ${JSON.stringify(format.slice(0, 50))} is not supported: use one of ${SUPPORTED_FORMATS.join(', ')}`, {
    format: format.slice(0, 50),
    supported: SUPPORTED_FORMATS,
  });
}

function requireFiles<K extends string>(files: Map<string, ReceivedFile>, names: K[]): Record<K, ReceivedFile> {
  const missing = names.filter((n) => !files.has(n));
  const unexpected = [...files.keys()].filter((n) => !(names as string[]).includes(n));
  if (missing.length > 0 || unexpected.length > 0) {
    const parts = [
      missing.length > 0 ? `missing file part(s): ${missing.join(', ')}` : '',
      unexpected.length > 0 ? `unexpected file part(s): ${unexpected.join(', ')}` : '',
    ].filter(Boolean);
    throw new AppError('INVALID_UPLOAD', `This format takes the file part(s) ${names.join(', ')}; ${parts.join('; ')}`, { expected: names, missing, unexpected });
  }
  return Object.fromEntries(names.map((n) => [n, files.get(n)!])) as Record<K, ReceivedFile>;
}

/** `train-images-idx3-ubyte.gz` → `train-images-idx3-ubyte`, `iris.csv` → `iris`. */
function defaultName(filename: string): string {
  let base = path.basename(filename || 'dataset');
  if (base.endsWith('.gz')) base = base.slice(0, -3);
  const ext = path.extname(base);
  if (ext && ext !== base) base = base.slice(0, -ext.length);
  return base.trim().slice(0, 200) || 'dataset';
}
