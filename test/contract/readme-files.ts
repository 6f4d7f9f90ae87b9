import { mkdir, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { COURSE_TABLE } from '../datasets/fixtures/csv.ts';
import { gzip, idxImages, idxLabels } from '../datasets/fixtures/idx.ts';
import { jpeg, png } from '../datasets/fixtures/zip.ts';
import { tinyModelFiles } from '../models/fixtures.ts';

/**
 * The files the README's examples name, small but real, as a reader would have them in their
 * folder: the course's table, MNIST-style gz parts, a folder of JPEGs per class, a digit to
 * predict and a tfjs model with its weights shards.
 */
export async function writeExampleFiles(dir: string): Promise<void> {
  const labels = Array.from({ length: 20 }, (_, i) => i % 10);
  await writeFile(path.join(dir, 'scores.csv'), COURSE_TABLE);
  await writeFile(path.join(dir, 'train-images-idx3-ubyte.gz'), gzip(idxImages(20, 28, 28)));
  await writeFile(path.join(dir, 'train-labels-idx1-ubyte.gz'), gzip(idxLabels(labels)));
  await writeFile(path.join(dir, 'digit.png'), await png(28, 28, 1, 3));
  for (const [cls, seed] of [['cats', 1], ['dogs', 2]] as const) {
    await mkdir(path.join(dir, 'pets', cls), { recursive: true });
    for (const n of [1, 2]) await writeFile(path.join(dir, 'pets', cls, `${n}.jpg`), await jpeg(16, 16, 3, seed * 10 + n));
  }
  const model = await tinyModelFiles();
  await mkdir(path.join(dir, 'vgg16'));
  await writeFile(path.join(dir, 'vgg16', 'model.json'), JSON.stringify(model.modelJson));
  for (const [name, bytes] of model.weights) await writeFile(path.join(dir, 'vgg16', name), bytes);
}
