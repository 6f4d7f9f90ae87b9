import { describe, expect, it } from 'vitest';
import { ConfigError } from '../../../src/config/config.ts';
import { adapterFilterFor } from '../../../workers/trainer/adapter-filter.ts';
import { useSwiftShader } from '../../training/swiftshader.ts';

describe('the adapter filter a worker gives its trainers', () => {
  it('turns a worker’s GPU_INDEX into its trainers’ filter, or stops the worker with a configuration error', async () => {
    useSwiftShader();
    expect(await adapterFilterFor({ backend: 'webgpu', webgpuAdapter: '', gpuIndex: 0 })).toBe('SwiftShader Device (Subzero)');
    expect(await adapterFilterFor({ backend: 'auto', webgpuAdapter: 'RTX' })).toBe('RTX');
    await expect(adapterFilterFor({ backend: 'webgpu', webgpuAdapter: '', gpuIndex: 1 })).rejects.toThrow(ConfigError);
    // On auto, a software adapter is no GPU: GPU_INDEX=0 names nothing.
    await expect(adapterFilterFor({ backend: 'auto', webgpuAdapter: '', gpuIndex: 0 })).rejects.toThrow(/has 0 usable WebGPU adapter/);
  });
});
