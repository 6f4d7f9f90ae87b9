import * as tf from '@tensorflow/tfjs';
import { describe, expect, it } from 'vitest';
import { selectBackend } from '../../src/training/select-backend.ts';

// On this machine the native packages are optional and absent, which is exactly the fallback path.
describe('selectBackend', () => {
  it('falls back to the engine (compiled by npm ci), saying why each tfjs-node backend was skipped', async () => {
    const selected = await selectBackend('auto');
    expect(selected.backend).toBe('engine');
    expect(tf.getBackend()).toBe('engine');
    expect(selected.device).toMatch(/^CPU \(\d+ cores/);
    expect(selected.fallbackReasons).toEqual(['tfjs-node-gpu: not installed', expect.stringMatching(/^webgpu: /), 'tfjs-node: not installed']);
  });

  it('honours a forced cpu and refuses a forced native backend that does not load', async () => {
    expect(await selectBackend('cpu')).toMatchObject({ backend: 'cpu', fallbackReasons: [] });
    await expect(selectBackend('tfjs-node-gpu')).rejects.toThrow('tfjs-node-gpu: not installed');
  });
});
