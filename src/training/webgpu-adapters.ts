import { isSoftwareName } from './webgpu-backend.ts';

/** One adapter as Dawn lists it: its Vulkan (or other) backend and its device name. */
export interface ListedAdapter {
  backend: string;
  name: string;
  /** A CPU driver (SwiftShader, lavapipe): used only where webgpu is asked for by name. */
  software: boolean;
}

export type AdapterList = { ok: true; adapters: ListedAdapter[] } | { ok: false; reason: string };

// An adapter filter no device name contains, so that Dawn answers with the list of them all.
const MATCHES_NONE = 'adapter=trainyard:list-adapters';
const LISTED = /^\s*\*\s*backend:\s*'([^']*)',\s*name:\s*'(.*)'\s*$/;

/**
 * Every adapter Dawn can open on this host, in Dawn's order. The WebGPU API hands out one
 * adapter per request and Dawn's Node binding has no enumeration, but when its `adapter=`
 * filter matches nothing it rejects with the list ("Available adapters: * backend: 'vulkan',
 * name: 'NVIDIA H200'"): that list is read here. Never throws.
 */
export async function listWebgpuAdapters(module?: string): Promise<AdapterList> {
  let dawn: { create(flags: string[]): { requestAdapter(): Promise<unknown> } };
  try {
    dawn = (await (module ? import(module) : import('webgpu'))) as typeof dawn;
  } catch (err) {
    return { ok: false, reason: `the webgpu package did not load: ${String((err as Error)?.message ?? err).split('\n')[0]}` };
  }
  try {
    // A local instance, never navigator.gpu: dropped when this returns, so it keeps nothing alive.
    await dawn.create([MATCHES_NONE]).requestAdapter();
    return { ok: true, adapters: [] };
  } catch (err) {
    return { ok: true, adapters: parseAdapterList(String((err as Error)?.message ?? err)) };
  }
}

/** The adapters in Dawn's "Available adapters:" message; none when there is no such list. */
export function parseAdapterList(message: string): ListedAdapter[] {
  const adapters: ListedAdapter[] = [];
  for (const line of message.split('\n')) {
    const match = LISTED.exec(line);
    if (match) adapters.push({ backend: match[1], name: match[2], software: isSoftwareName(match[2]) });
  }
  return adapters;
}

/** The adapters a worker may train on: hardware ones, and software ones only when webgpu is asked for by name. */
export function usableAdapters(adapters: ListedAdapter[], webgpuForced: boolean): ListedAdapter[] {
  return adapters.filter((a) => !a.software || webgpuForced);
}

export type PinnedAdapter = { ok: true; name: string } | { ok: false; reason: string };

/**
 * The adapter filter (WEBGPU_ADAPTER) that selects the GPU_INDEX-th usable adapter. Dawn picks
 * the first adapter whose name contains the filter, so an index can be pinned only where it is
 * the first adapter of its name: the second of two like GPUs cannot be reached from inside the
 * process, only by giving each worker its own devices (one container per GPU).
 */
export function pinAdapter(usable: ListedAdapter[], index: number): PinnedAdapter {
  const wanted = usable[index];
  if (!wanted) {
    const listed = usable.map((a, i) => `${i}: ${a.name}`).join(', ') || 'none';
    return { ok: false, reason: `GPU_INDEX=${index}, but this host has ${usable.length} usable WebGPU adapter(s) (${listed})` };
  }
  const first = usable.findIndex((a) => a.name.includes(wanted.name));
  if (first !== index) {
    return {
      ok: false,
      reason:
        `GPU_INDEX=${index} is "${wanted.name}", as is adapter ${first}; Dawn selects adapters by name only, ` +
        'so like GPUs are told apart by the devices each worker may see: one container per GPU (NVIDIA_VISIBLE_DEVICES, README "Run on a GPU server")',
    };
  }
  return { ok: true, name: wanted.name };
}
