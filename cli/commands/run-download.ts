import { mkdir, writeFile } from 'node:fs/promises';
import path from 'node:path';
import type { CliContext } from '../context.ts';
import { formatBytes } from '../output/format.ts';

/** Whose model: a run's, or an experiment's best trial's. */
export type ModelOwner = { run: string } | { bestOf: string };

/** Writes the trained model into `dir` as tfjs saved it: `model.json` beside its weights files, which it names relatively. */
export async function downloadModel(ctx: CliContext, owner: ModelOwner, dir: string): Promise<void> {
  const client = await ctx.client();
  const { modelJson, weights } = 'run' in owner ? await client.downloadRunModel(owner.run) : await client.downloadBestModel(owner.bestOf);
  await mkdir(dir, { recursive: true });
  const files = [{ name: 'model.json', bytes: new TextEncoder().encode(JSON.stringify(modelJson)) }, ...[...weights].map(([name, bytes]) => ({ name, bytes }))];
  for (const file of files) {
    // The names come from the API's manifest, checked by its own pattern; basename keeps them inside dir anyway.
    await writeFile(path.join(dir, path.basename(file.name)), file.bytes);
  }
  const written = files.map((f) => ({ file: path.join(dir, path.basename(f.name)), bytes: f.bytes.length }));
  ctx.out.answer({ ...('run' in owner ? { runId: owner.run } : { experimentId: owner.bestOf }), files: written }, () => {
    for (const f of written) ctx.out.line(`${f.file}  ${formatBytes(f.bytes)}`);
  });
}
