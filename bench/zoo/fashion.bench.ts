import { mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { FASHION_MNIST_DIR } from '../bench-dataset.ts';
import { torchVersion, trainOurs, trainTwin, type OneModel, type TwinRun } from './zoo-runs.ts';

/**
 * `npm run bench:fashion`: the engine issue's accuracy check. The BN CNN of the zoo trained on
 * Fashion-MNIST (FASHION_TRAIN images, default 12,000; FASHION_EPOCHS, default 3; batch 64,
 * Adam 1e-3) by Trainyard's training path and by its PyTorch twin initialised as Keras does,
 * one after the other, once per seed (FASHION_SEEDS, default 3: after 3 epochs BatchNorm's
 * moving averages still lag its batch statistics, so one seed's test accuracy can be several
 * points off another's); each model's accuracy on the first FASHION_TEST test images (default
 * 2,000) and its wall time of training. Needs Debian's dataset-fashion-mnist and python3-torch.
 */
const TRAIN = Number(process.env.FASHION_TRAIN ?? 12_000);
const TEST = Number(process.env.FASHION_TEST ?? 2000);
const EPOCHS = Number(process.env.FASHION_EPOCHS ?? 3);
const SEEDS = Number(process.env.FASHION_SEEDS ?? 3);
const MODEL = process.env.FASHION_MODEL ?? 'bn-cnn';
const PYTHON = process.env.ZOO_PYTHON ?? '/usr/bin/python3';
const BACKEND = process.env.ZOO_BACKEND ?? 'engine';

const acc = (v?: number) => (v === undefined ? '-' : `${(v * 100).toFixed(2)} %`);
const secs = (v?: number) => (v === undefined ? '-' : `${(v / 1000).toFixed(1)} s`);
const mean = (xs: (number | undefined)[]) => (xs.every((x) => x !== undefined) ? (xs as number[]).reduce((a, b) => a + b, 0) / xs.length : undefined);

const dir = mkdtempSync(path.join(os.tmpdir(), 'trainyard-fashion-'));
const rows: { seed: number; ours: OneModel; twin: TwinRun }[] = [];
for (let seed = 1; seed <= SEEDS; seed++) {
  const run = { samples: TRAIN, epochs: EPOCHS, backend: BACKEND, topology: path.join(dir, 'model.json'), testSamples: TEST, seed };
  const ours = await trainOurs(MODEL, run);
  if (ours.dataset !== 'fashion-mnist') console.log(`Fashion-MNIST is not installed under ${FASHION_MNIST_DIR} (apt-get install dataset-fashion-mnist): trained on ${ours.dataset ?? 'nothing'}`);
  const twin = ours.error ? { error: ours.error } : trainTwin(PYTHON, run, ['--fashion', FASHION_MNIST_DIR, '--test', String(TEST)]);
  rows.push({ seed, ours, twin });
}
rmSync(dir, { recursive: true, force: true });

console.log(`\nbench:fashion: ${MODEL}, ${TRAIN} / ${TEST} images, ${EPOCHS} epochs, batch 64, ${BACKEND} vs PyTorch ${torchVersion(PYTHON)}, ${os.cpus().length} cores, seeds 1..${SEEDS}\n`);
console.log('| seed | trainyard test accuracy | PyTorch test accuracy | trainyard wall time | PyTorch wall time | trainyard samples/s | PyTorch samples/s |');
console.log('| ---: | ---: | ---: | ---: | ---: | ---: | ---: |');
for (const { seed, ours, twin } of rows) {
  console.log(`| ${seed} | ${ours.error ?? acc(ours.testAcc)} | ${twin.error ?? acc(twin.testAcc)} | ${secs(ours.wallMs)} | ${secs(twin.wallMs)} | ${Math.round(ours.samplesPerSec ?? 0)} | ${Math.round(twin.samplesPerSec ?? 0)} |`);
}
const [oursAcc, twinAcc] = [mean(rows.map((r) => r.ours.testAcc)), mean(rows.map((r) => r.twin.testAcc))];
const [oursWall, twinWall] = [mean(rows.map((r) => r.ours.wallMs)), mean(rows.map((r) => r.twin.wallMs))];
console.log(`| **mean** | ${acc(oursAcc)} | ${acc(twinAcc)} | ${secs(oursWall)} | ${secs(twinWall)} | | |`);
if (oursAcc !== undefined && twinAcc !== undefined && oursWall && twinWall) {
  console.log(`\nmean difference ${((oursAcc - twinAcc) * 100).toFixed(2)} points of test accuracy; wall time ${(oursWall / twinWall).toFixed(2)}× PyTorch's`);
}
