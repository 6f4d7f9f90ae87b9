import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import WebSocket from 'ws';
import { createTeam } from '../helper.ts';
import { startStack, type Stack } from '../e2e/harness.ts';
import { slowTable, submitRun, uploadCsv, waitFinished } from '../web/fixtures.ts';

type Message = { type: string; seq?: number; epoch?: number; batch?: number; batches?: number; status?: string };

/** Collects every message of a socket until the run's final status (or the timeout). */
function collect(url: string, auth: Record<string, string>, timeoutMs = 120_000): Promise<Message[]> {
  return new Promise((resolve, reject) => {
    const got: Message[] = [];
    const ws = new WebSocket(url, { headers: auth });
    const timer = setTimeout(() => (ws.close(), resolve(got)), timeoutMs);
    ws.on('message', (data) => {
      const m = JSON.parse(String(data)) as Message;
      got.push(m);
      if (m.type === 'status' && ['completed', 'failed', 'canceled'].includes(m.status!)) {
        clearTimeout(timer);
        ws.close();
        resolve(got);
      }
    });
    ws.on('error', reject);
  });
}

/**
 * Per-batch progress with a real worker: a run of 3 epochs of 300 batches each, with
 * BATCH_PROGRESS_INTERVAL_S at 0.2 s, announces its batches done to a subscriber that asks,
 * throttled, outside the numbering: one that does not ask and any replay see the same events.
 */
describe('batch progress over the run events WebSocket', () => {
  let stack: Stack;
  beforeAll(async () => {
    stack = await startStack({ BATCH_PROGRESS_INTERVAL_S: '0.2' });
  }, 120_000);
  afterAll(async () => stack?.close());

  it('reaches subscribers asking for it, throttled and unnumbered, and leaves the numbered stream as it was', async () => {
    const team = await createTeam(stack.config);
    const datasetId = await uploadCsv(stack.app, team.auth, slowTable(3000));
    const runId = await submitRun(stack.app, team.auth, datasetId, { epochs: 3, learningRate: 0.01, hidden: 32, batchSize: 8 });
    const base = `${stack.wsUrl}/v1/runs/${runId}/events`;
    const started = Date.now();
    const [withProgress, without] = await Promise.all([collect(`${base}?since=0&progress=true`, team.auth), collect(`${base}?since=0`, team.auth)]);
    const elapsedS = (Date.now() - started) / 1000;
    await waitFinished(stack.app, team.auth, runId);

    const progress = withProgress.filter((m) => m.type === 'progress');
    expect(progress.length).toBeGreaterThanOrEqual(3);
    // Throttled: at most one per 0.2 s (plus one for slack), not one per batch (900 of them).
    expect(progress.length).toBeLessThanOrEqual(Math.ceil(elapsedS / 0.2) + 1);
    // 2400 training samples (validationSplit 0.2) in batches of 8.
    for (const p of progress) {
      expect(p.seq).toBeUndefined();
      expect(p.batches).toBe(300);
      expect(p.batch).toBeGreaterThan(0);
      expect(p.batch).toBeLessThanOrEqual(300);
    }
    // Within an epoch the count only grows, and progress of an epoch precedes its epoch event.
    for (let i = 1; i < progress.length; i++) {
      if (progress[i].epoch === progress[i - 1].epoch) expect(progress[i].batch).toBeGreaterThan(progress[i - 1].batch!);
      else expect(progress[i].epoch).toBeGreaterThan(progress[i - 1].epoch!);
    }
    const firstEpochEvent = withProgress.findIndex((m) => m.type === 'epoch' && m.epoch === 1);
    expect(withProgress.slice(0, firstEpochEvent).some((m) => m.type === 'progress' && m.epoch === 1)).toBe(true);

    expect(without.some((m) => m.type === 'progress')).toBe(false);
    const numbered = withProgress.filter((m) => m.type !== 'progress');
    expect(numbered.map((m) => m.seq)).toEqual(without.map((m) => m.seq));
    expect(numbered.map((m) => m.seq)).toEqual(numbered.map((_, i) => i + 1));
    // A replay after the run is over holds no progress, with or without asking.
    const replay = await collect(`${base}?since=0&progress=true`, team.auth, 10_000);
    expect(replay.map((m) => m.type)).not.toContain('progress');
    expect(replay.map((m) => m.seq)).toEqual(without.map((m) => m.seq));
  }, 180_000);
});
