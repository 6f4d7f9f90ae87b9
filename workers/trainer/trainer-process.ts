import { fork, type ChildProcess } from 'node:child_process';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { childExecArgv } from '../../src/startup/child-exec-argv.ts';
import type { TrainJob } from '../../src/training/training-job.ts';
import type { AdapterInfo } from '../../src/training/webgpu-backend.ts';
import type { ChildMessage } from './trainer-protocol.ts';

const CHILD_ENTRY = path.join(path.dirname(fileURLToPath(import.meta.url)), 'trainer.child.ts');

export interface BackendInfo {
  backend: string;
  device: string;
  fallbackReasons: string[];
  /** The WebGPU adapter, on the webgpu backend. */
  adapter?: AdapterInfo;
}

/** Thrown when the trainer process dies mid-run: a transient fault, so the queue retries the job. */
export class TrainerCrashedError extends Error {
  override name = 'TrainerCrashedError';
}

export type RunMessage = Exclude<ChildMessage, { type: 'ready' }>;

/**
 * One long-lived child process running tfjs. Training is CPU-bound and would block the
 * worker's event loop, which must stay free to renew BullMQ's job lock and send
 * heartbeats; a process (not a thread) also gives native backends their own CUDA context.
 */
export class TrainerProcess {
  private child: ChildProcess | null = null;
  private onMessage: ((msg: RunMessage) => void) | null = null;
  private onExit: ((err: Error) => void) | null = null;
  info: BackendInfo | null = null;

  constructor(
    private readonly forcedBackend: string,
    /** Native threads this trainer may use, so concurrent trainers do not oversubscribe the cores. */
    private readonly threads: number,
    /** Dawn's adapter filter for the webgpu backend (WEBGPU_ADAPTER); empty for the default adapter. */
    private readonly webgpuAdapter = '',
  ) {}

  /** Forks the child and resolves once it has loaded its backend. */
  async start(): Promise<BackendInfo> {
    const child = fork(CHILD_ENTRY, {
      execArgv: childExecArgv(),
      env: { ...process.env, TRAINER_BACKEND: this.forcedBackend, TRAINER_THREADS: String(this.threads), TRAINER_WEBGPU_ADAPTER: this.webgpuAdapter },
      serialization: 'advanced',
    });
    this.child = child;
    const info = await new Promise<BackendInfo>((resolve, reject) => {
      const onEarlyExit = (code: number | null) => reject(new Error(`trainer process exited during start (code ${code})`));
      child.once('exit', onEarlyExit);
      child.once('message', (msg: ChildMessage) => {
        child.off('exit', onEarlyExit);
        if (msg.type === 'ready') resolve({ backend: msg.backend, device: msg.device, fallbackReasons: msg.fallbackReasons, ...(msg.adapter ? { adapter: msg.adapter } : {}) });
        else if (msg.type === 'failed') reject(new Error(`trainer could not start: ${msg.code}: ${msg.message}`));
        else reject(new Error(`trainer sent ${msg.type} before ready`));
      });
    });
    child.on('message', (msg: ChildMessage) => {
      if (msg.type !== 'ready') this.onMessage?.(msg);
    });
    child.on('exit', (code, signal) => {
      this.child = null;
      this.onExit?.(new TrainerCrashedError(`trainer process exited (code ${code}, signal ${signal})`));
    });
    this.info = info;
    return info;
  }

  get alive(): boolean {
    return this.child !== null;
  }

  /**
   * Trains one run; `handle` sees every message in order (awaited one at a time, so
   * database writes keep the order of epochs). Resolves with the final message.
   */
  train(job: TrainJob, handle: (msg: RunMessage) => Promise<void>): Promise<Extract<RunMessage, { type: 'done' | 'failed' }>> {
    const child = this.child;
    if (!child) return Promise.reject(new TrainerCrashedError('trainer process is not running'));
    return new Promise((resolve, reject) => {
      let chain = Promise.resolve();
      const finish = (fn: () => void) => {
        this.onMessage = null;
        this.onExit = null;
        fn();
      };
      this.onMessage = (msg) => {
        chain = chain
          .then(() => handle(msg))
          .then(() => {
            if (msg.type === 'done' || msg.type === 'failed') finish(() => resolve(msg));
          })
          .catch((err) => finish(() => reject(err)));
      };
      this.onExit = (err) => {
        // Let the handlers already received finish first, so the epochs recorded stay consistent.
        chain = chain.finally(() => finish(() => reject(err)));
      };
      child.send({ type: 'train', job });
    });
  }

  cancel(): void {
    this.child?.send({ type: 'cancel' });
  }

  async stop(): Promise<void> {
    const child = this.child;
    if (!child) return;
    // A run in flight sees the exit as a crash and is handed back to the queue.
    await new Promise<void>((resolve) => {
      child.once('exit', () => resolve());
      child.kill('SIGTERM');
      setTimeout(() => child.kill('SIGKILL'), 5000).unref();
    });
  }
}
