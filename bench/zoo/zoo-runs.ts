import { execFileSync, fork } from 'node:child_process';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { childExecArgv } from '../../src/startup/child-exec-argv.ts';
import type { StepProfile } from './kernel-profile.ts';

const HERE = path.dirname(fileURLToPath(import.meta.url));

/** What zoo-one-model.ts prints for one model. */
export interface OneModel {
  name: string;
  params?: number;
  dataset?: string;
  samplesPerSec?: number;
  wallMs?: number;
  testAcc?: number;
  epochs?: { loss: number; rssMb: number; numTensors: number; samplesPerSec: number }[];
  fallbacks?: { kernel: string; calls: number; ms: number; share: number }[];
  /** With ZOO_PROFILE: where a step's time went. */
  profile?: StepProfile;
  error?: string;
}

/** What torch_twin.py prints. */
export interface TwinRun {
  samplesPerSec?: number;
  wallMs?: number;
  testAcc?: number;
  error?: string;
}

export interface ZooRun {
  samples: number;
  epochs: number;
  backend: string;
  /** Where zoo-one-model.ts writes the model's Keras topology for its twin. */
  topology: string;
  testSamples?: number;
  /** Seeds both sides' weights, shuffles and dropout (default 42). */
  seed?: number;
}

/** Trains one model on our side, in its own process. */
export function trainOurs(name: string, run: ZooRun): Promise<OneModel> {
  return new Promise((resolve) => {
    const args = [name, String(run.samples), String(run.epochs), run.backend, run.topology, String(run.testSamples ?? 0)];
    const child = fork(path.join(HERE, 'zoo-one-model.ts'), args, { execArgv: childExecArgv(), stdio: ['ignore', 'pipe', 'ignore', 'ipc'], env: { ...process.env, ZOO_SEED: String(run.seed ?? 42) } });
    let out = '';
    child.stdout?.on('data', (chunk: Buffer) => (out += chunk.toString()));
    child.on('exit', () => resolve(out.trim() ? (JSON.parse(out.trim().split('\n').pop()!) as OneModel) : { name, error: 'the process printed nothing' }));
  });
}

/** Trains the PyTorch twin of the topology zoo-one-model.ts wrote; `extra` adds torch_twin.py options. */
export function trainTwin(python: string, run: ZooRun, extra: string[] = []): TwinRun {
  try {
    const args = [path.join(HERE, 'torch_twin.py'), run.topology, '--samples', String(run.samples), '--epochs', String(run.epochs), '--batch', '64', '--seed', String(run.seed ?? 42), ...extra];
    const out = execFileSync(python, args, { encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'] });
    return JSON.parse(out.trim().split('\n').pop()!) as TwinRun;
  } catch (err) {
    const e = err as { stdout?: string; message: string };
    return { error: (e.stdout?.trim() || e.message).split('\n')[0] };
  }
}

/** PyTorch's version as `python` imports it, or why it cannot. */
export function torchVersion(python: string): string {
  try {
    return execFileSync(python, ['-c', 'import torch; print(torch.__version__)'], { encoding: 'utf8' }).trim();
  } catch {
    return `(not importable by ${python}: apt-get install python3-torch)`;
  }
}
