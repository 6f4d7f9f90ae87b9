import { createReadStream } from 'node:fs';
import { stat } from 'node:fs/promises';
import path from 'node:path';
import type { UploadDatasetOptions, UploadFile } from '../../client/src/index.ts';
import { CliError } from '../cli-error.ts';
import type { CliContext } from '../context.ts';
import { formatBytes } from '../output/format.ts';
import { byteProgressBar } from '../output/progress-bar.ts';
import { describeDataset } from './dataset-view.ts';

export interface UploadOptions {
  format: 'csv' | 'idx' | 'image-zip';
  label?: string;
  task?: string;
  header?: string;
  name?: string;
  width?: string;
  height?: string;
  color?: string;
}

/**
 * Which multipart part each file is: csv and image-zip take one `file`; idx takes `images` and
 * `labels`, told apart by "label" in a name (MNIST's own names), else by their order.
 */
function partNames(format: UploadOptions['format'], files: string[]): string[] {
  if (format !== 'idx') {
    if (files.length !== 1) throw new CliError('INVALID_ARGUMENTS', `--format ${format} takes one file, got ${files.length}`);
    return ['file'];
  }
  if (files.length !== 2) throw new CliError('INVALID_ARGUMENTS', `--format idx takes two files (images and labels), got ${files.length}`);
  const labelsAt = files.findIndex((f) => /label/i.test(path.basename(f)));
  return labelsAt === 0 ? ['labels', 'images'] : ['images', 'labels'];
}

async function uploadFile(field: string, file: string): Promise<UploadFile> {
  const info = await stat(file).catch(() => {
    throw new CliError('FILE_NOT_FOUND', `cannot read ${file}`);
  });
  return { field, filename: path.basename(file), size: info.size, open: () => createReadStream(file) };
}

export async function uploadDatasets(ctx: CliContext, files: string[], options: UploadOptions): Promise<void> {
  const client = await ctx.client();
  const parts = await Promise.all(partNames(options.format, files).map((field, i) => uploadFile(field, files[i])));
  const { format, ...rest } = options;
  const fields = { format, ...Object.fromEntries(Object.entries(rest).filter(([, v]) => v !== undefined)) } as UploadDatasetOptions['fields'];
  const bar = byteProgressBar(`uploading ${parts.map((p) => p.filename).join(' + ')}`, !ctx.out.json);
  try {
    const dataset = await client.uploadDataset({ fields, files: parts, onProgress: (sent, total) => bar.update(sent, total) });
    bar.stop();
    ctx.out.answer(dataset, () => {
      ctx.out.line(`${ctx.out.colours.green(dataset.status)} ${dataset.id} ${dataset.name} (${formatBytes(dataset.bytes)})`);
      ctx.out.line(describeDataset(dataset));
    });
  } finally {
    bar.stop();
  }
}
