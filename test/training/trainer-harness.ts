import { fork, type ChildProcess } from 'node:child_process';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { childExecArgv } from '../../src/startup/child-exec-argv.ts';
import type { ChildMessage, ParentMessage } from '../../workers/trainer/trainer-protocol.ts';

const CHILD = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../../workers/trainer/trainer.child.ts');

/**
 * A real trainer child process, as the worker forks it. Vitest does not run under tsx, so
 * the child's flags come from childExecArgv. Collects every message in arrival order.
 */
export class TrainerHarness {
  readonly messages: ChildMessage[] = [];
  private readonly child: ChildProcess;
  private waiters: (() => void)[] = [];
  exitCode: number | null | undefined;

  constructor(backend = 'cpu', env: Record<string, string> = {}) {
    this.child = fork(CHILD, { execArgv: childExecArgv(), env: { ...process.env, ...env, TRAINER_BACKEND: backend }, serialization: 'advanced', stdio: 'pipe' });
    this.child.stdout?.resume();
    this.child.stderr?.resume();
    this.child.on('message', (msg: ChildMessage) => {
      this.messages.push(msg);
      this.notify();
    });
    this.child.on('exit', (code) => {
      this.exitCode = code;
      this.notify();
    });
  }

  send(msg: ParentMessage) {
    this.child.send(msg);
  }

  /** Resolves with the first message from index `from` on that matches. */
  async waitFor<T extends ChildMessage['type']>(type: T, from = 0, match: (m: Extract<ChildMessage, { type: T }>) => boolean = () => true) {
    for (;;) {
      const found = this.messages.slice(from).find((m) => m.type === type && match(m as Extract<ChildMessage, { type: T }>));
      if (found) return found as Extract<ChildMessage, { type: T }>;
      if (this.exitCode !== undefined) throw new Error(`trainer exited (${this.exitCode}) before sending ${type}`);
      await new Promise<void>((resolve) => this.waiters.push(resolve));
    }
  }

  /** Messages of one run, in order. */
  runMessages(runId: string) {
    return this.messages.filter((m) => 'runId' in m && m.runId === runId);
  }

  private notify() {
    const waiters = this.waiters;
    this.waiters = [];
    waiters.forEach((w) => w());
  }

  async close() {
    if (this.exitCode !== undefined) return;
    const exited = new Promise((resolve) => this.child.once('exit', resolve));
    this.child.kill('SIGTERM');
    await exited;
  }
}
