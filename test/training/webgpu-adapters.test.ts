import { describe, expect, it } from 'vitest';
import { listWebgpuAdapters, parseAdapterList, pinAdapter, usableAdapters, type ListedAdapter } from '../../src/training/webgpu-adapters.ts';
import { useSwiftShader } from './swiftshader.ts';

const hw = (name: string): ListedAdapter => ({ backend: 'vulkan', name, software: false });

describe('the adapter list Dawn gives', () => {
  it('is read off Dawn’s "Available adapters" message, software drivers flagged', () => {
    const message = "no suitable backends found\nAvailable adapters:\n * backend: 'vulkan', name: 'NVIDIA H200'\n * backend: 'vulkan', name: 'NVIDIA H200'\n * backend: 'vulkan', name: 'SwiftShader Device (Subzero)'";
    expect(parseAdapterList(message)).toEqual([hw('NVIDIA H200'), hw('NVIDIA H200'), { backend: 'vulkan', name: 'SwiftShader Device (Subzero)', software: true }]);
    expect(parseAdapterList('some other failure')).toEqual([]);
  });

  it('lists SwiftShader on this machine, and says why when the webgpu package does not load', async () => {
    useSwiftShader();
    expect(await listWebgpuAdapters()).toEqual({ ok: true, adapters: [{ backend: 'vulkan', name: 'SwiftShader Device (Subzero)', software: true }] });
    expect(await listWebgpuAdapters('trainyard-no-such-module')).toEqual({ ok: false, reason: expect.stringMatching(/^the webgpu package did not load/) });
  });
});

describe('pinning GPU_INDEX to an adapter filter', () => {
  it('pins unlike GPUs by name, each the first of its name', () => {
    const usable = [hw('NVIDIA GeForce RTX 4090'), hw('NVIDIA RTX A6000')];
    expect(pinAdapter(usable, 0)).toEqual({ ok: true, name: 'NVIDIA GeForce RTX 4090' });
    expect(pinAdapter(usable, 1)).toEqual({ ok: true, name: 'NVIDIA RTX A6000' });
  });

  it('pins the first of like GPUs and refuses the others, saying how to reach them', () => {
    const usable = [hw('NVIDIA H200'), hw('NVIDIA H200')];
    expect(pinAdapter(usable, 0)).toEqual({ ok: true, name: 'NVIDIA H200' });
    expect(pinAdapter(usable, 1)).toEqual({ ok: false, reason: expect.stringMatching(/as is adapter 0.*one container per GPU/) });
  });

  it('refuses an index whose name another, earlier adapter’s name contains (Dawn matches substrings)', () => {
    expect(pinAdapter([hw('Tesla T4 Pro'), hw('Tesla T4')], 1)).toMatchObject({ ok: false });
  });

  it('refuses an index past the end, listing what there is', () => {
    expect(pinAdapter([hw('NVIDIA L4')], 3)).toEqual({ ok: false, reason: 'GPU_INDEX=3, but this host has 1 usable WebGPU adapter(s) (0: NVIDIA L4)' });
  });

  it('counts software adapters only when webgpu is asked for by name', () => {
    const listed = [{ backend: 'vulkan', name: 'SwiftShader Device (Subzero)', software: true }, hw('NVIDIA L4')];
    expect(usableAdapters(listed, false)).toEqual([hw('NVIDIA L4')]);
    expect(usableAdapters(listed, true)).toEqual(listed);
  });
});
