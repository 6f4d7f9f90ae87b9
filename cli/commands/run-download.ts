import { mkdir, writeFile } from 'node:fs/promises';
import path from 'node:path';
import type { CliContext } from '../context.ts';
import { formatBytes } from '../output/format.ts';

/** Writes the run's trained model into `dir` as tfjs saved it: `model.json` beside its weights files, which it names relatively. */
export async function downloadModel(ctx: CliContext, runId: string, dir: string): Promise<void> {
  const client = await ctx.client();
  const { modelJson, weights } = await client.downloadRunModel(runId);
  await mkdir(dir, { recursive: true });
  const files = [{ name: 'model.json', bytes: new TextEncoder().encode(JSON.stringify(modelJson)) }, ...[...weights].map(([name, bytes]) => ({ name, bytes }))];
  for (const file of files) {
    // The names come from the API's manifest, checked by its own pattern; basename keeps them inside dir anyway.
    await writeFile(path.join(dir, path.basename(file.name)), file.bytes);
  }
  const written = files.map((f) => ({ file: path.join(dir, path.basename(f.name)), bytes: f.bytes.length }));
  ctx.out.answer({ runId, files: written }, () => {
    for (const f of written) ctx.out.line(`${f.file}  ${formatBytes(f.bytes)}`);
  });
}
