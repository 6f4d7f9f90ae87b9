import os from 'node:os';
import { TrainerProcess, type BackendInfo } from './trainer-process.ts';

/**
 * One trainer process per concurrency slot. BullMQ never runs more jobs than the worker's
 * concurrency, so an idle trainer always exists when a job arrives; a trainer that died is
 * replaced before its next job.
 */
export class TrainerPool {
  private readonly idle: TrainerProcess[] = [];
  private readonly all: TrainerProcess[] = [];

  constructor(
    private readonly size: number,
    private readonly forcedBackend: string,
    /** WEBGPU_ADAPTER: which adapter a webgpu trainer takes, by name; empty for the default. */
    private readonly webgpuAdapter = '',
  ) {}

  /** Starts every trainer; all load the same backend, so the first one's info describes the pool. */
  async start(): Promise<BackendInfo> {
    // Each trainer gets an equal share of the cores (at least one thread).
    const threads = Math.max(1, Math.floor(os.availableParallelism() / this.size));
    const trainers = Array.from({ length: this.size }, () => new TrainerProcess(this.forcedBackend, threads, this.webgpuAdapter));
    const infos = await Promise.all(trainers.map((t) => t.start()));
    this.all.push(...trainers);
    this.idle.push(...trainers);
    return infos[0];
  }

  async acquire(): Promise<TrainerProcess> {
    const trainer = this.idle.pop();
    if (!trainer) throw new Error('no idle trainer: more jobs than concurrency slots');
    if (!trainer.alive) await trainer.start();
    return trainer;
  }

  release(trainer: TrainerProcess): void {
    this.idle.push(trainer);
  }

  async stop(): Promise<void> {
    await Promise.all(this.all.map((t) => t.stop()));
  }
}
