import { ConfigError } from '../../src/config/config.ts';
import { listWebgpuAdapters, pinAdapter, usableAdapters } from '../../src/training/webgpu-adapters.ts';

/**
 * The adapter filter a worker's webgpu trainers get: WEBGPU_ADAPTER as set, or the name that
 * GPU_INDEX pins. Throws, so that the worker does not start, when the index cannot be pinned:
 * a worker told to train on GPU 3 must not train on GPU 0 instead.
 */
export async function adapterFilterFor(worker: { backend: string; webgpuAdapter: string; gpuIndex?: number }): Promise<string> {
  if (worker.gpuIndex === undefined) return worker.webgpuAdapter;
  const listed = await listWebgpuAdapters();
  if (!listed.ok) throw new ConfigError([`GPU_INDEX=${worker.gpuIndex}: ${listed.reason}`]);
  const pinned = pinAdapter(usableAdapters(listed.adapters, worker.backend === 'webgpu'), worker.gpuIndex);
  if (!pinned.ok) throw new ConfigError([pinned.reason]);
  return pinned.name;
}
