import { describe, expect, it } from 'vitest';
import { loadConfig } from '../../src/config/config.ts';
import { planWorkers } from '../../src/startup/worker-plan.ts';
import type { ListedAdapter } from '../../src/training/webgpu-adapters.ts';

const hw = (name: string): ListedAdapter => ({ backend: 'vulkan', name, software: false });
const soft: ListedAdapter = { backend: 'vulkan', name: 'SwiftShader Device (Subzero)', software: true };
const worker = (env: Record<string, string>) => loadConfig({ START_WORKERS: 'per-adapter', ...env }).worker;
const pinned = (index: number) => ({ TRAIN_BACKEND: 'webgpu', GPU_INDEX: String(index), WEBGPU_ADAPTER: '' });

describe('the workers npm start forks', () => {
  it('is one worker, as configured, by default', () => {
    expect(planWorkers(loadConfig({}).worker, null)).toEqual({ workers: [{}], notes: [] });
  });

  it('is one webgpu worker per GPU with START_WORKERS=per-adapter, each pinned by GPU_INDEX', () => {
    const plan = planWorkers(worker({}), { ok: true, adapters: [hw('NVIDIA GeForce RTX 4090'), soft, hw('NVIDIA RTX A6000')] });
    expect(plan.workers).toEqual([pinned(0), pinned(1)]);
    expect(plan.notes).toEqual(['worker 1 on adapter 0: NVIDIA GeForce RTX 4090', 'worker 2 on adapter 1: NVIDIA RTX A6000']);
  });

  it('leaves like GPUs after the first without a worker, and says so', () => {
    const plan = planWorkers(worker({}), { ok: true, adapters: [hw('NVIDIA H200'), hw('NVIDIA H200'), hw('NVIDIA H200')] });
    expect(plan.workers).toEqual([pinned(0)]);
    expect(plan.notes.filter((n) => n.startsWith('adapter '))).toHaveLength(2);
    expect(plan.notes[1]).toMatch(/^adapter 1 left without a worker: .*one container per GPU/);
  });

  it('takes a software adapter only when TRAIN_BACKEND=webgpu asks for webgpu by name', () => {
    expect(planWorkers(worker({ TRAIN_BACKEND: 'webgpu' }), { ok: true, adapters: [soft] }).workers).toEqual([pinned(0)]);
    expect(planWorkers(worker({}), { ok: true, adapters: [soft] })).toEqual({ workers: [{}], notes: ['no usable WebGPU adapter on this host: starting one worker'] });
  });

  it('falls back to one worker, saying why, when there is no list or the backend is not webgpu', () => {
    expect(planWorkers(worker({}), { ok: false, reason: 'the webgpu package did not load' })).toEqual({ workers: [{}], notes: ['no WebGPU adapter list (the webgpu package did not load): starting one worker'] });
    expect(planWorkers(worker({ TRAIN_BACKEND: 'engine' }), { ok: true, adapters: [hw('NVIDIA L4')] }).workers).toEqual([{}]);
  });
});
