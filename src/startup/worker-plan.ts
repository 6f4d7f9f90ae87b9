import type { AppConfig } from '../config/config.ts';
import { pinAdapter, usableAdapters, type AdapterList } from '../training/webgpu-adapters.ts';

/** The workers `npm start` forks: each one's environment on top of the start process's, and why it chose so. */
export interface WorkerPlan {
  workers: Array<Record<string, string>>;
  notes: string[];
}

/**
 * START_WORKERS=one: one worker, as configured. `per-adapter`: one webgpu worker per adapter
 * it can pin (GPU_INDEX), so a multi-GPU host trains on every GPU with `npm start`. Like GPUs
 * after the first of their name cannot be pinned from inside a process (webgpu-adapters.ts):
 * they are left out, and the note says how to reach them. A host with no usable adapter gets
 * the one worker it would have had.
 */
export function planWorkers(worker: AppConfig['worker'], listed: AdapterList | null): WorkerPlan {
  if (worker.startWorkers === 'one') return { workers: [{}], notes: [] };
  if (worker.backend !== 'auto' && worker.backend !== 'webgpu') {
    return { workers: [{}], notes: [`START_WORKERS=per-adapter starts webgpu workers, but TRAIN_BACKEND=${worker.backend}: starting one worker`] };
  }
  if (!listed?.ok) return { workers: [{}], notes: [`no WebGPU adapter list (${listed?.reason ?? 'not read'}): starting one worker`] };
  const usable = usableAdapters(listed.adapters, worker.backend === 'webgpu');
  if (usable.length === 0) return { workers: [{}], notes: ['no usable WebGPU adapter on this host: starting one worker'] };
  const workers: Array<Record<string, string>> = [];
  const notes: string[] = [];
  usable.forEach((adapter, index) => {
    const pinned = pinAdapter(usable, index);
    if (pinned.ok) {
      workers.push({ TRAIN_BACKEND: 'webgpu', GPU_INDEX: String(index), WEBGPU_ADAPTER: '' });
      notes.push(`worker ${workers.length} on adapter ${index}: ${adapter.name}`);
    } else notes.push(`adapter ${index} left without a worker: ${pinned.reason}`);
  });
  return { workers, notes };
}
