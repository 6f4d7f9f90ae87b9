import { runTraining } from '../../src/training/run-training.ts';
import { selectBackend } from '../../src/training/select-backend.ts';
import { BACKEND_CHOICES, type BackendChoice } from '../../src/training/backends.ts';
import type { ChildMessage, ParentMessage } from './trainer-protocol.ts';

/**
 * Entry of the trainer child process (forked by the worker; see trainer-protocol.ts).
 * tfjs loads once per process and each run trains here, so the worker's event loop stays
 * free for BullMQ lock renewals and heartbeats.
 */
const send = (msg: ChildMessage) => process.send?.(msg);

// The one env read outside src/config: the backend choice is part of the parent–child
// contract (the parent has already validated TRAIN_BACKEND through its config).
const requested = process.env.TRAINER_BACKEND ?? 'auto';
const choice = (BACKEND_CHOICES as readonly string[]).includes(requested) ? (requested as BackendChoice) : 'auto';
// Trainers of one worker share the cores: the parent gives each its share of threads.
const threads = Number.parseInt(process.env.TRAINER_THREADS ?? '', 10);
const engineThreads = Number.isInteger(threads) && threads > 0 ? threads : undefined;
const webgpuAdapter = process.env.TRAINER_WEBGPU_ADAPTER || undefined;

let busy = false;
let cancelRequested = false;

// Without a parent there is no one to train for: exit rather than linger as an orphan.
process.on('disconnect', () => process.exit());

process.on('message', (msg: ParentMessage) => {
  if (msg.type === 'cancel') {
    if (busy) cancelRequested = true;
    return;
  }
  if (msg.type !== 'train') return;
  if (busy) {
    send({ type: 'failed', runId: msg.job.runId, code: 'BUSY', message: 'this trainer is already training a run' });
    return;
  }
  busy = true;
  cancelRequested = false;
  void backendReady
    .then(() => runTraining(msg.job, { send, shouldStop: () => cancelRequested }))
    .finally(() => {
      busy = false;
      cancelRequested = false;
    });
});

// Listening before the backend loads, so a `train` sent early waits instead of being dropped.
const backendReady = selectBackend(choice, { engineThreads, webgpuAdapter }).then(
  (selected) => void send({ type: 'ready', ...selected }),
  (err: unknown) => {
    const message = (err as Error).message;
    process.stderr.write(`trainer: ${message}\n`);
    process.exitCode = 1;
    // Disconnect only once the message is flushed, so the parent learns why.
    const failed: ChildMessage = { type: 'failed', code: 'BACKEND_UNAVAILABLE', message };
    process.send?.(failed, undefined, undefined, () => process.disconnect?.());
    return new Promise<never>(() => {});
  },
);

