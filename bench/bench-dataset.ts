import * as tf from '@tensorflow/tfjs';
import { existsSync } from 'node:fs';
import { readFile } from 'node:fs/promises';
import path from 'node:path';
import { gunzipSync } from 'node:zlib';

/** Where Debian's `dataset-fashion-mnist` package puts the IDX files. */
export const FASHION_MNIST_DIR = '/usr/share/datasets/fashion-mnist';

export interface BenchDataset {
  /** 'fashion-mnist' or 'generated' (when the IDX files are not installed). */
  source: string;
  train: { features: Float32Array; targets: Float32Array; numSamples: number };
  test: { features: Float32Array; targets: Float32Array; numSamples: number };
}

const SIDE = 28;
const PIXELS = SIDE * SIDE;

/**
 * Images for the training benchmark, [28, 28, 1] scaled to 0..1 with class-index targets:
 * Fashion-MNIST's first `trainCount` training and first `testCount` test images when the
 * Debian package is installed, else generated images of 10 learnable classes.
 */
export async function loadBenchDataset(trainCount: number, testCount: number, dir = FASHION_MNIST_DIR): Promise<BenchDataset> {
  const files = ['train-images-idx3-ubyte', 'train-labels-idx1-ubyte', 't10k-images-idx3-ubyte', 't10k-labels-idx1-ubyte'];
  const found = files.map((f) => [path.join(dir, f), path.join(dir, `${f}.gz`)].find((p) => existsSync(p)));
  if (found.every((p) => p !== undefined)) {
    const [trainImages, trainLabels, testImages, testLabels] = await Promise.all(found.map((p) => readIdx(p!)));
    return {
      source: 'fashion-mnist',
      train: toSplit(trainImages, trainLabels, trainCount),
      test: toSplit(testImages, testLabels, testCount),
    };
  }
  return { source: 'generated', train: generate(trainCount, 1), test: generate(testCount, 2) };
}

async function readIdx(file: string): Promise<Uint8Array> {
  const raw = await readFile(file);
  return file.endsWith('.gz') ? gunzipSync(raw) : raw;
}

/** IDX: images have a 16-byte header, labels an 8-byte one, then one unsigned byte per value. */
function toSplit(images: Uint8Array, labels: Uint8Array, count: number) {
  const n = Math.min(count, (images.length - 16) / PIXELS, labels.length - 8);
  const features = new Float32Array(n * PIXELS);
  for (let i = 0; i < features.length; i++) features[i] = images[16 + i] / 255;
  const targets = Float32Array.from(labels.subarray(8, 8 + n));
  return { features, targets, numSamples: n };
}

/**
 * Class c is a bar at angle c·18° through a randomly shifted centre, with noise: a conv net
 * learns it in an epoch or two, a constant guess scores 10%. Seeded, so runs compare.
 */
function generate(count: number, seed: number) {
  let state = seed * 2654435761;
  const rand = () => ((state = (state * 1664525 + 1013904223) >>> 0) / 2 ** 32);
  const features = new Float32Array(count * PIXELS);
  const targets = new Float32Array(count);
  for (let s = 0; s < count; s++) {
    const c = s % 10;
    targets[s] = c;
    const angle = (c * Math.PI) / 10;
    const [dx, dy] = [Math.cos(angle), Math.sin(angle)];
    const [cx, cy] = [14 + (rand() - 0.5) * 8, 14 + (rand() - 0.5) * 8];
    for (let y = 0; y < SIDE; y++) {
      for (let x = 0; x < SIDE; x++) {
        const dist = Math.abs((x - cx) * dy - (y - cy) * dx);
        features[s * PIXELS + y * SIDE + x] = Math.min(1, Math.max(0, 1.2 - dist / 1.5) + rand() * 0.3);
      }
    }
  }
  return { features, targets, numSamples: count };
}

/** Share of the test images (28×28×1) whose highest-scoring class is their label. */
export async function testAccuracy(model: tf.LayersModel, test: BenchDataset['test']): Promise<number> {
  let correct = 0;
  const batch = 256;
  for (let start = 0; start < test.numSamples; start += batch) {
    const n = Math.min(batch, test.numSamples - start);
    const classes = tf.tidy(() => (model.predict(tf.tensor4d(test.features.subarray(start * PIXELS, (start + n) * PIXELS), [n, SIDE, SIDE, 1])) as tf.Tensor).argMax(-1));
    const predicted = await classes.data();
    classes.dispose();
    for (let i = 0; i < n; i++) if (predicted[i] === test.targets[start + i]) correct++;
  }
  return correct / test.numSamples;
}
