import * as tf from '@tensorflow/tfjs';
import { expect } from 'vitest';
import { ENGINE_BACKEND, registerEngineBackend } from '../../src/engine/engine-backend.ts';
import { loadNativeEngine } from '../../src/engine/native-engine.ts';
import { seededRandom } from '../../src/training/seeded-random.ts';

/** Registers the engine from the addon `npm ci` compiled; fails the test file when it is missing. */
export function useEngine(): void {
  const native = loadNativeEngine();
  if (!native.ok) throw new Error(native.reason);
  registerEngineBackend(native.engine);
}

/** Runs `build` on the engine and on tfjs's cpu backend, with the same inputs; the outputs' values. */
export async function onBoth(build: () => tf.Tensor | tf.Tensor[]): Promise<{ engine: Float32Array[]; cpu: Float32Array[] }> {
  return { engine: await valuesOn(ENGINE_BACKEND, build), cpu: await valuesOn('cpu', build) };
}

export async function valuesOn(backend: string, build: () => tf.Tensor | tf.Tensor[]): Promise<Float32Array[]> {
  await tf.setBackend(backend);
  const outputs = tf.tidy(() => [build()].flat());
  const values = outputs.map((t) => Float32Array.from(t.dataSync()));
  tf.dispose(outputs);
  return values;
}

/**
 * Every value within `rtol` of the reference, relative to the reference's largest magnitude
 * (the scale float32 rounding errors of a sum are relative to), and the same NaNs.
 */
export function expectClose(actual: Float32Array, expected: Float32Array, rtol = 1e-5, label = ''): void {
  expect(actual.length, label).toBe(expected.length);
  let scale = 0;
  for (const v of expected) if (Number.isFinite(v)) scale = Math.max(scale, Math.abs(v));
  let worst = 0;
  let at = -1;
  for (let i = 0; i < expected.length; i++) {
    if (Number.isNaN(expected[i]) || Number.isNaN(actual[i])) {
      expect(Number.isNaN(actual[i]), `${label} NaN at ${i}`).toBe(Number.isNaN(expected[i]));
      continue;
    }
    const diff = Math.abs(actual[i] - expected[i]);
    if (diff > worst) [worst, at] = [diff, i];
  }
  expect(worst, `${label} worst at ${at}: ${actual[at]} vs ${expected[at]} (scale ${scale})`).toBeLessThanOrEqual(rtol * Math.max(scale, 1e-30));
}

export function expectAllClose(r: { engine: Float32Array[]; cpu: Float32Array[] }, rtol = 1e-5, label = ''): void {
  expect(r.engine.length).toBe(r.cpu.length);
  r.engine.forEach((v, i) => expectClose(v, r.cpu[i], rtol, `${label} output ${i}`));
}

/** Seeded uniform values in [-1, 1). */
export function randomValues(size: number, seed: number): Float32Array {
  const rand = seededRandom(seed);
  return Float32Array.from({ length: size }, () => rand() * 2 - 1);
}
