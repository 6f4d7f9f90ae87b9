import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { FEATURES_FILE, TARGETS_FILE } from '../../src/datasets/dataset-files.ts';
import type { TrainJob } from '../../src/training/training-job.ts';
import { seededRandom } from '../../src/training/seeded-random.ts';

const created: string[] = [];

/** A fresh temp dir, removed by {@link removeTempDirs}. */
export async function tempDir(prefix = 'trainyard-run-'): Promise<string> {
  const dir = await mkdtemp(path.join(os.tmpdir(), prefix));
  created.push(dir);
  return dir;
}

/** Removes every dir this test file created; call in afterAll. */
export async function removeTempDirs(): Promise<void> {
  await Promise.all(created.splice(0).map((dir) => rm(dir, { recursive: true, force: true })));
}

/** Writes features.f32 / targets.f32 into a fresh temp dir, as a ready dataset sits on disk. */
export async function writeDataset(features: Float32Array, targets: Float32Array): Promise<string> {
  const dir = await tempDir('trainyard-ds-');
  await writeFile(path.join(dir, FEATURES_FILE), new Uint8Array(features.buffer));
  await writeFile(path.join(dir, TARGETS_FILE), new Uint8Array(targets.buffer));
  return dir;
}

/** `n` points in [-1, 1)²; class 1 when x0 > x1. */
export function points(n: number, seed: number) {
  const rand = seededRandom(seed);
  const features = Float32Array.from({ length: n * 2 }, () => rand() * 2 - 1);
  const targets = Float32Array.from({ length: n }, (_, i) => (features[2 * i] > features[2 * i + 1] ? 1 : 0));
  return { features, targets };
}

/**
 * `n` 28×28×1 images, faint noise with one bright 6×6 square: class 0 when the square is in
 * the left half, 1 in the right half. Deterministic, and easy for a tiny CNN.
 */
export function squaresImages(n: number, seed = 7) {
  const rand = seededRandom(seed);
  const features = new Float32Array(n * 28 * 28);
  const targets = new Float32Array(n);
  for (let i = 0; i < n; i++) {
    const cls = i % 2;
    targets[i] = cls;
    const top = Math.floor(rand() * 22);
    const left = cls * 14 + Math.floor(rand() * 8);
    for (let p = 0; p < 28 * 28; p++) features[i * 784 + p] = rand() * 0.1;
    for (let y = top; y < top + 6; y++) for (let x = left; x < left + 6; x++) features[i * 784 + y * 28 + x] = 1;
  }
  return { features, targets };
}

export const squaresInfo = {
  inputShape: [28, 28, 1],
  targetShape: [1],
  numClasses: 2,
  classNames: ['left', 'right'],
  task: 'classification' as const,
  preprocessing: { kind: 'none' as const },
};

/** The course's quiz-score table: three quiz scores → final score, standardised per column. */
export function quizScores() {
  const rows = [
    [73, 80, 75, 152],
    [93, 88, 93, 185],
    [89, 91, 90, 180],
    [96, 98, 100, 196],
    [73, 66, 70, 142],
  ];
  const mean = [0, 1, 2].map((j) => rows.reduce((a, r) => a + r[j], 0) / rows.length);
  const std = [0, 1, 2].map((j) => Math.sqrt(rows.reduce((a, r) => a + (r[j] - mean[j]) ** 2, 0) / rows.length));
  return {
    features: Float32Array.from(rows.flatMap((r) => [0, 1, 2].map((j) => (r[j] - mean[j]) / std[j]))),
    targets: Float32Array.from(rows.map((r) => r[3])),
    info: { inputShape: [3], targetShape: [1], numClasses: null, classNames: [], task: 'regression' as const, preprocessing: { kind: 'standardize' as const, mean, std } },
  };
}

export const TINY_CNN = [
  { type: 'conv2d' as const, filters: 4, kernelSize: 3, activation: 'relu' as const },
  { type: 'maxPooling2d' as const, poolSize: 2 },
  { type: 'flatten' as const },
  { type: 'dense' as const, units: 2, activation: 'softmax' as const },
];

/** A complete train job for the squares dataset at `dir`; `spec` overrides parts of the spec. */
export function squaresJob(dir: string, runDir: string, fit: Partial<TrainJob['spec']['fit']> = {}, numSamples = 64): TrainJob {
  return {
    runId: `run-${Math.random().toString(36).slice(2, 10)}`,
    spec: {
      datasetId: '6f1c1f8e-2b7a-4d47-9d7c-3f1f0f6f8b11',
      model: { layers: TINY_CNN },
      compile: { optimizer: { type: 'adam', learningRate: 0.01 }, loss: 'sparseCategoricalCrossentropy', metrics: ['accuracy'] },
      fit: { epochs: 4, batchSize: 16, validationSplit: 0.25, testSplit: 0, shuffle: true, seed: 3, ...fit },
      priority: 50,
    },
    dataset: { dir, numSamples, ...squaresInfo },
    runDir,
  };
}
