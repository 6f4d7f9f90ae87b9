import * as tf from '@tensorflow/tfjs';
import { execFile } from 'node:child_process';
import os from 'node:os';
import { promisify } from 'node:util';
import { ENGINE_BACKEND, registerEngineBackend } from '../engine/engine-backend.ts';
import { loadNativeEngine } from '../engine/native-engine.ts';
import { BACKENDS, type Backend, type BackendChoice } from './backends.ts';
import { describeAdapter, loadWebgpuBackend, type AdapterInfo } from './webgpu-backend.ts';

export interface SelectedBackend {
  backend: Backend;
  /** What the backend runs on, for logs, GET /v1/workers and run records: 'CPU (2 cores, …)' or the GPU's name. */
  device: string;
  /** Why each faster backend tried before this one was not used, e.g. 'tfjs-node-gpu: not installed'. */
  fallbackReasons: string[];
  /** The WebGPU adapter, on the `webgpu` backend only. */
  adapter?: AdapterInfo;
}

export interface SelectBackendOptions {
  /** The engine's compiled addon; default: the one `npm ci` builds (see src/engine/native-engine.ts). */
  engineAddon?: string;
  /** Threads for the engine's native kernels; default: all cores. */
  engineThreads?: number;
  /** Dawn's adapter filter for `webgpu` (a substring of the adapter's name), to pin one GPU of several. */
  webgpuAdapter?: string;
  /** The module giving Node WebGPU; default the npm package `webgpu` (tests point it at a broken one). */
  webgpuModule?: string;
}

/** Null when the backend is active (with its adapter, on webgpu), else the first line of why not. */
type Attempt = { failure: string } | { failure: null; adapter?: AdapterInfo };

const PACKAGES: Record<Exclude<Backend, 'cpu' | 'engine' | 'webgpu'>, string> = {
  'tfjs-node-gpu': '@tensorflow/tfjs-node-gpu',
  'tfjs-node': '@tensorflow/tfjs-node',
};

/**
 * Loads the first backend that works, fastest first: CUDA (only when libtensorflow sees a GPU),
 * WebGPU on a hardware adapter (webgpu-backend.ts), native CPU (libtensorflow), our engine
 * (tfjs's cpu backend with native kernels compiled at install, src/engine), then pure-JS cpu. The tfjs-node packages are optional dependencies (their install downloads
 * libtensorflow, which fails offline), so each is imported dynamically. Importing one
 * registers its `tensorflow` backend in the shared tfjs engine; we then select it explicitly.
 * The engine supports every kernel the cpu backend has (it is the cpu backend with its hot
 * kernels replaced), so it is correct for every run a spec allows.
 * A forced choice that fails to load throws, naming why.
 */
export async function selectBackend(choice: BackendChoice = 'auto', options: SelectBackendOptions = {}): Promise<SelectedBackend> {
  const candidates = choice === 'auto' ? BACKENDS : [choice];
  const fallbackReasons: string[] = [];
  for (const backend of candidates) {
    const attempt = await attemptBackend(backend, choice === backend, options);
    if (attempt.failure === null) {
      const { adapter } = attempt;
      return { backend, device: adapter ? describeAdapter(adapter) : await describeDevice(backend), fallbackReasons, ...(adapter ? { adapter } : {}) };
    }
    fallbackReasons.push(`${backend}: ${attempt.failure}`);
  }
  throw new Error(`no training backend could be loaded (${fallbackReasons.join('; ')})`);
}

/** A software WebGPU adapter is slower than every CPU backend: only a forced `webgpu` takes one. */
async function attemptBackend(backend: Backend, forced: boolean, options: SelectBackendOptions): Promise<Attempt> {
  if (backend !== 'webgpu') return { failure: await tryBackend(backend, options) };
  const loaded = await loadWebgpuBackend({ allowSoftware: forced, adapterName: options.webgpuAdapter, module: options.webgpuModule });
  return loaded.ok ? { failure: null, adapter: loaded.adapter } : { failure: loaded.reason };
}

/** Returns null when `backend` is active, else the first line of why not. */
async function tryBackend(backend: Exclude<Backend, 'webgpu'>, options: SelectBackendOptions): Promise<string | null> {
  if (backend === 'engine') return tryEngine(options.engineAddon, options.engineThreads);
  try {
    if (backend !== 'cpu') await import(PACKAGES[backend]);
    const name = backend === 'cpu' ? 'cpu' : 'tensorflow';
    if (!(await tf.setBackend(name))) return `backend "${name}" did not initialise`;
    await tf.ready();
    // On CUDA 12 drivers libtensorflow's CUDA 11 build loads, finds no usable GPU and trains on the CPU.
    if (backend === 'tfjs-node-gpu' && (tf.backend() as { isUsingGpuDevice?: boolean }).isUsingGpuDevice !== true) {
      return 'loaded but sees no GPU (it needs CUDA 11.2+ / cuDNN 8.1+, not CUDA 12)';
    }
    return null;
  } catch (err) {
    const e = err as NodeJS.ErrnoException;
    if (backend !== 'cpu' && e.code === 'ERR_MODULE_NOT_FOUND' && e.message.includes(PACKAGES[backend])) return 'not installed';
    return String(e.message ?? e).split('\n')[0];
  }
}

/** The engine when its addon loads (it is compiled at install and may be missing or stale). */
async function tryEngine(addon?: string, threads?: number): Promise<string | null> {
  const native = loadNativeEngine(addon);
  if (!native.ok) return native.reason;
  try {
    registerEngineBackend(native.engine, { threads });
    if (!(await tf.setBackend(ENGINE_BACKEND))) return `backend "${ENGINE_BACKEND}" did not initialise`;
    await tf.ready();
    return null;
  } catch (err) {
    return String((err as Error).message ?? err).split('\n')[0];
  }
}

async function describeDevice(backend: Backend): Promise<string> {
  if (backend === 'tfjs-node-gpu') return (await gpuName()) ?? 'GPU (CUDA)';
  const cpus = os.cpus();
  const model = cpus[0]?.model.trim();
  const native = backend === 'engine' ? loadNativeEngine() : null;
  const engine = native?.ok ? `, native ${native.engine.isa()} kernels on ${native.engine.threads()} threads` : '';
  return `CPU (${cpus.length} cores${model ? `, ${model}` : ''}${engine})`;
}

/** tfjs-node-gpu does not report its device; nvidia-smi does when it is on the PATH. */
async function gpuName(): Promise<string | null> {
  try {
    const { stdout } = await promisify(execFile)('nvidia-smi', ['--query-gpu=name', '--format=csv,noheader'], { timeout: 3000 });
    const names = stdout.split('\n').map((s) => s.trim()).filter(Boolean);
    return names.length ? names.join(', ') : null;
  } catch {
    return null;
  }
}
