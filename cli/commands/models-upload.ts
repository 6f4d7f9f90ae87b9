import { createReadStream } from 'node:fs';
import { stat } from 'node:fs/promises';
import path from 'node:path';
import type { UploadFile } from '../../client/src/index.ts';
import { CliError } from '../cli-error.ts';
import type { CliContext } from '../context.ts';
import { readJsonFile } from '../read-json-file.ts';
import { formatBytes } from '../output/format.ts';
import { byteProgressBar } from '../output/progress-bar.ts';

async function filePart(field: string, file: string): Promise<UploadFile> {
  const info = await stat(file).catch(() => {
    throw new CliError('FILE_NOT_FOUND', `cannot read ${file}`);
  });
  return { field, filename: path.basename(file), size: info.size, open: () => createReadStream(file) };
}

/**
 * The weights files of a model.json: the ones given, or else the files its manifest names,
 * looked up beside it (where tensorflowjs_converter writes them), so `models upload
 * vgg16/model.json` is enough.
 */
async function weightFiles(modelJson: string, given: string[]): Promise<string[]> {
  if (given.length) return given;
  const model = await readJsonFile<{ weightsManifest?: { paths?: string[] }[] }>(modelJson);
  return (model.weightsManifest ?? []).flatMap((group) => group.paths ?? []).map((name) => path.join(path.dirname(modelJson), path.basename(name)));
}

export async function uploadModel(ctx: CliContext, modelJson: string, weights: string[], name?: string): Promise<void> {
  const client = await ctx.client();
  const files = [await filePart('model', modelJson), ...(await Promise.all((await weightFiles(modelJson, weights)).map((w) => filePart('weights', w))))];
  const bar = byteProgressBar(`uploading ${path.basename(modelJson)} + ${files.length - 1} weights files`, !ctx.out.json);
  try {
    const model = await client.uploadModel({ fields: { name }, files, onProgress: (sent, total) => bar.update(sent, total) });
    bar.stop();
    ctx.out.answer(model, () => ctx.out.line(`${model.id} ${model.name} (${model.format}, ${formatBytes(model.bytes)})`));
  } finally {
    bar.stop();
  }
}
