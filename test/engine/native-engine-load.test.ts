import * as tf from '@tensorflow/tfjs';
import { copyFileSync, mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { loadNativeEngine, NATIVE_ADDON } from '../../src/engine/native-engine.ts';
import { selectBackend } from '../../src/training/select-backend.ts';

const tmp = mkdtempSync(path.join(os.tmpdir(), 'trainyard-engine-'));
afterAll(() => rmSync(tmp, { recursive: true, force: true }));

/** An addon laid out as the build lays it out: <dir>/build/Release/trainyard_engine.node. */
function addonAt(name: string, contents: Buffer | string, cpuFlags?: string): string {
  const release = path.join(tmp, name, 'build', 'Release');
  mkdirSync(release, { recursive: true });
  const file = path.join(release, 'trainyard_engine.node');
  if (typeof contents === 'string') writeFileSync(file, contents);
  else copyFileSync(NATIVE_ADDON, file);
  if (cpuFlags !== undefined) writeFileSync(path.join(tmp, name, 'build', 'build-cpu-flags.txt'), cpuFlags);
  return file;
}

describe('loading the native engine', () => {
  it('loads the addon npm ci compiled', () => {
    const loaded = loadNativeEngine();
    expect(loaded.ok).toBe(true);
    if (loaded.ok) {
      expect(loaded.engine.threads()).toBeGreaterThanOrEqual(1);
      expect(['avx512', 'avx2', 'avx', 'sse']).toContain(loaded.engine.isa());
    }
  });

  it('says why when the addon is missing, corrupt, or built for another CPU', () => {
    expect(loadNativeEngine(path.join(tmp, 'none', 'build', 'Release', 'trainyard_engine.node'))).toEqual({ ok: false, reason: expect.stringContaining('not compiled') });
    expect(loadNativeEngine(addonAt('corrupt', 'not an ELF file'))).toEqual({ ok: false, reason: expect.stringContaining('did not load') });
    expect(loadNativeEngine(addonAt('other-cpu', Buffer.alloc(0), 'sse2 avx9000'))).toEqual({ ok: false, reason: expect.stringContaining('lacks avx9000') });
  });

  it('refuses a shape that does not match the arrays instead of writing past them', () => {
    const loaded = loadNativeEngine();
    if (!loaded.ok) throw new Error(loaded.reason);
    const shape = Int32Array.of(1, 4, 4, 1, 3, 3, 2, 1, 1, 1, 1, 0, 0, 2, 2);
    expect(() => loaded.engine.conv2dForward(shape, new Float32Array(16), new Float32Array(18), null, 0, 0, new Float32Array(3))).toThrow(/y holds 3 values, needs 8/);
    expect(() => loaded.engine.matMul(false, false, 2, 2, 2, new Float32Array(4), new Float32Array(3), new Float32Array(4), null, 0, 0)).toThrow(/b holds 3/);
    // An optimizer step's arrays are all the value's length: a short slot or output is refused.
    const four = () => new Float32Array(4);
    expect(() => loaded.engine.rmspropStep(four(), four(), four(), four(), new Float32Array(3), 0.1, 0.9, 0, 1e-7, four(), four(), four(), four())).toThrow(/mg holds 3 values, needs 4/);
    expect(() => loaded.engine.adamaxStep(four(), four(), four(), four(), 0.9, 0.999, 1e-7, 0.01, four(), four(), new Float32Array(2))).toThrow(/newU holds 2/);
  });
});

describe('selectBackend with the engine', () => {
  it('falls back to cpu, with the reason, when the engine addon cannot load', async () => {
    const selected = await selectBackend('auto', { engineAddon: addonAt('broken', 'garbage') });
    expect(selected.backend).toBe('cpu');
    expect(tf.getBackend()).toBe('cpu');
    expect(selected.fallbackReasons).toEqual(['tfjs-node-gpu: not installed', expect.stringMatching(/^webgpu: /), 'tfjs-node: not installed', expect.stringMatching(/^engine: native engine did not load/)]);
    await expect(selectBackend('engine', { engineAddon: addonAt('broken2', 'garbage') })).rejects.toThrow(/engine: native engine did not load/);
  });

  it('picks the engine when no tfjs-node package is installed, and names its kernels in the device', async () => {
    const selected = await selectBackend('auto');
    expect(selected.backend).toBe('engine');
    expect(tf.getBackend()).toBe('engine');
    expect(selected.device).toMatch(/^CPU \(\d+ cores.*native (avx512|avx2|avx|sse) kernels on \d+ threads\)$/);
    expect(selected.fallbackReasons).toEqual(['tfjs-node-gpu: not installed', expect.stringMatching(/^webgpu: /), 'tfjs-node: not installed']);
  });
});
