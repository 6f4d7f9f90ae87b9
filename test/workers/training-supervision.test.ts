import { describe, expect, it } from 'vitest';
import type { Job } from 'bullmq';
import type { Run } from '../../src/generated/prisma/client.ts';
import type { TrainJob } from '../../src/training/training-job.ts';
import type { RunRecorder } from '../../workers/run-recorder.ts';
import { requestStop } from '../../workers/stop-requests.ts';
import type { ActiveRun, StopIntent, TrainProcessorDeps } from '../../workers/train-context.ts';
import type { TrainInputs } from '../../workers/train-inputs.ts';
import { superviseTraining } from '../../workers/training-supervision.ts';
import type { RunMessage } from '../../workers/trainer/trainer-process.ts';

type Final = Extract<RunMessage, { type: 'done' }>;

/**
 * A trainer at the boundary the supervisor owns (the TrainerProcess it drives): it trains for
 * a few milliseconds and completes, unless it is canceled first, as the real child does at its
 * next batch.
 */
class ScriptedTrainer {
  cancels = 0;
  private finish: ((status: Final['status']) => void) | null = null;

  train(job: TrainJob, handle: (msg: RunMessage) => Promise<void>): Promise<Final> {
    return new Promise((resolve) => {
      this.finish = (status) => {
        this.finish = null;
        const done: Final = { type: 'done', runId: job.runId, status, stopReason: status === 'completed' ? 'completed all epochs' : 'canceled at batch 1', modelDir: null } as Final;
        void handle(done).then(() => resolve(done));
      };
      setTimeout(() => this.finish?.('completed'), 30);
    });
  }

  cancel(): void {
    this.cancels += 1;
    this.finish?.('canceled');
  }

  async stop(): Promise<void> {}
}

/** Runs one supervision whose trainer is handed over only after `duringAcquire` ran: the window between "running" and a trainer. */
async function supervise(duringAcquire: (active: Map<string, ActiveRun>) => void) {
  const trainer = new ScriptedTrainer();
  const entry: ActiveRun = { runId: 'run-1', teamId: 'team-1', trainer: null, stop: null };
  const active = new Map([[entry.runId, entry]]);
  const recorded: string[] = [];
  const pool = {
    acquire: async () => {
      duringAcquire(active);
      return trainer;
    },
    release: () => undefined,
  };
  const deps = { pool, active, workerId: 'w', storage: { runDir: (id: string) => `/tmp/${id}`, ensureDir: async (dir: string) => dir } };
  const recorder = {
    complete: async () => void recorded.push('completed'),
    pause: async () => void recorded.push('paused'),
    finish: async (status: string) => void recorded.push(status),
  };
  const status = await superviseTraining({
    deps: deps as unknown as TrainProcessorDeps,
    job: {} as Job,
    token: undefined,
    run: { id: entry.runId, teamId: entry.teamId } as Run,
    recorder: recorder as unknown as RunRecorder,
    entry,
    inputs: { spec: {} } as TrainInputs,
    resume: { checkpoint: null, batch: undefined, finishedEpoch: 0 },
  });
  return { status, recorded, cancels: trainer.cancels };
}

describe('a stop requested before the run has a trainer', () => {
  it.each<[StopIntent, string]>([
    ['pause', 'paused'],
    ['cancel', 'canceled'],
  ])('a %s that arrives while the trainer is being assigned is honoured at its first batch', async (intent, outcome) => {
    const { status, recorded, cancels } = await supervise((active) => requestStop(active, 'run-1', intent));
    expect(cancels).toBe(1);
    expect(status).toBe(outcome);
    expect(recorded).toEqual([outcome]);
  });

  it('a run nobody stops trains to the end', async () => {
    const { status, recorded, cancels } = await supervise(() => undefined);
    expect({ status, recorded, cancels }).toEqual({ status: 'completed', recorded: ['completed'], cancels: 0 });
  });
});
