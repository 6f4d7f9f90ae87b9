import * as tf from '@tensorflow/tfjs';
import { execFile } from 'node:child_process';
import os from 'node:os';
import { promisify } from 'node:util';
import type { TrainerBackend, TrainerBackendChoice } from './trainer-protocol.ts';

export interface SelectedBackend {
  backend: TrainerBackend;
  /** What the backend runs on, for logs, GET /v1/workers and run records: 'CPU (2 cores, …)' or the GPU's name. */
  device: string;
  /** Why each faster backend tried before this one was not used, e.g. 'tfjs-node-gpu: not installed'. */
  fallbackReasons: string[];
}

const ORDER: TrainerBackend[] = ['tfjs-node-gpu', 'tfjs-node', 'cpu'];
const PACKAGES: Record<Exclude<TrainerBackend, 'cpu'>, string> = {
  'tfjs-node-gpu': '@tensorflow/tfjs-node-gpu',
  'tfjs-node': '@tensorflow/tfjs-node',
};

/**
 * Loads the first backend that works, fastest first: CUDA, native CPU, then pure-JS cpu.
 * The native packages are optional dependencies (their install downloads libtensorflow,
 * which fails offline), so each is imported dynamically. Importing one registers its
 * `tensorflow` backend in the shared tfjs engine; we then select it explicitly.
 * A forced choice that fails to load throws, naming why.
 */
export async function selectBackend(choice: TrainerBackendChoice = 'auto'): Promise<SelectedBackend> {
  const candidates = choice === 'auto' ? ORDER : [choice];
  const fallbackReasons: string[] = [];
  for (const backend of candidates) {
    const failure = await tryBackend(backend);
    if (failure === null) return { backend, device: await describeDevice(backend), fallbackReasons };
    fallbackReasons.push(`${backend}: ${failure}`);
  }
  throw new Error(`no training backend could be loaded (${fallbackReasons.join('; ')})`);
}

/** Returns null when `backend` is active, else the first line of why not. */
async function tryBackend(backend: TrainerBackend): Promise<string | null> {
  try {
    if (backend !== 'cpu') await import(PACKAGES[backend]);
    const name = backend === 'cpu' ? 'cpu' : 'tensorflow';
    if (!(await tf.setBackend(name))) return `backend "${name}" did not initialise`;
    await tf.ready();
    return null;
  } catch (err) {
    const e = err as NodeJS.ErrnoException;
    if (backend !== 'cpu' && e.code === 'ERR_MODULE_NOT_FOUND' && e.message.includes(PACKAGES[backend])) return 'not installed';
    return String(e.message ?? e).split('\n')[0];
  }
}

async function describeDevice(backend: TrainerBackend): Promise<string> {
  if (backend === 'tfjs-node-gpu') return (await gpuName()) ?? 'GPU (CUDA)';
  const cpus = os.cpus();
  const model = cpus[0]?.model.trim();
  return `CPU (${cpus.length} cores${model ? `, ${model}` : ''})`;
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
