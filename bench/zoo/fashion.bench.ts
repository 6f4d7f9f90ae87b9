import { mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { FASHION_MNIST_DIR } from '../bench-dataset.ts';
import { torchVersion, trainOurs, trainTwin } from './zoo-runs.ts';

/**
 * `npm run bench:fashion`: the engine issue's accuracy check. The BN CNN of the zoo trained on
 * Fashion-MNIST (FASHION_TRAIN images, default 12,000; FASHION_EPOCHS, default 3; batch 64,
 * Adam 1e-3) by Trainyard's training path and by its PyTorch twin initialised as Keras does,
 * one after the other; each model's accuracy on the first FASHION_TEST test images (default
 * 2,000) and its wall time of training. Needs Debian's dataset-fashion-mnist and python3-torch.
 */
const TRAIN = Number(process.env.FASHION_TRAIN ?? 12_000);
const TEST = Number(process.env.FASHION_TEST ?? 2000);
const EPOCHS = Number(process.env.FASHION_EPOCHS ?? 3);
const MODEL = process.env.FASHION_MODEL ?? 'bn-cnn';
const PYTHON = process.env.ZOO_PYTHON ?? '/usr/bin/python3';

const dir = mkdtempSync(path.join(os.tmpdir(), 'trainyard-fashion-'));
const run = { samples: TRAIN, epochs: EPOCHS, backend: process.env.ZOO_BACKEND ?? 'engine', topology: path.join(dir, 'model.json'), testSamples: TEST };
const ours = await trainOurs(MODEL, run);
if (ours.dataset !== 'fashion-mnist') console.log(`Fashion-MNIST is not installed under ${FASHION_MNIST_DIR} (apt-get install dataset-fashion-mnist): trained on ${ours.dataset ?? 'nothing'}`);
const twin = ours.error ? { error: ours.error } : trainTwin(PYTHON, run, ['--fashion', FASHION_MNIST_DIR, '--test', String(TEST)]);
rmSync(dir, { recursive: true, force: true });

const acc = (v?: number) => (v === undefined ? '-' : `${(v * 100).toFixed(2)} %`);
const secs = (v?: number) => (v === undefined ? '-' : `${(v / 1000).toFixed(1)} s`);
console.log(`\nbench:fashion: ${MODEL}, ${TRAIN} / ${TEST} images, ${EPOCHS} epochs, batch 64, ${run.backend} vs PyTorch ${torchVersion(PYTHON)}, ${os.cpus().length} cores\n`);
console.log('| | test accuracy | training wall time | samples/s (after epoch 1) |');
console.log('| --- | ---: | ---: | ---: |');
console.log(`| trainyard | ${ours.error ?? acc(ours.testAcc)} | ${secs(ours.wallMs)} | ${Math.round(ours.samplesPerSec ?? 0)} |`);
console.log(`| PyTorch | ${twin.error ?? acc(twin.testAcc)} | ${secs(twin.wallMs)} | ${Math.round(twin.samplesPerSec ?? 0)} |`);
if (ours.testAcc !== undefined && twin.testAcc !== undefined && ours.wallMs && twin.wallMs) {
  console.log(`| difference / ratio | ${((ours.testAcc - twin.testAcc) * 100).toFixed(2)} points | ${(ours.wallMs / twin.wallMs).toFixed(2)}× | |`);
}
