import type { ChildProcess } from 'node:child_process';
import { parseArgs } from 'node:util';
import WebSocket from 'ws';
import { createApiKey } from '../src/auth/api-keys.repository.ts';
import { createPrismaClient } from '../src/db/prisma-client.ts';
import { publishRunEvent } from '../src/events/event-publisher.ts';
import { createRedis } from '../src/redis/redis-connection.ts';
import { upsertTeam } from '../src/teams/teams.repository.ts';
import { createBenchPlace, freePort, removeBenchPlace, rssBytes, startServiceProcess, stopServiceProcess, waitForReady } from './bench-service.ts';
import { percentile } from './latency-stats.ts';

/**
 * `npm run bench:load [-- options]`: the API under a dashboard-heavy load, on loopback only.
 *
 * Starts the API as its own process (`src/server.ts`) on a throwaway database
 * (`<DATABASE_URL's name>_bench`, recreated, dropped after) and Redis prefix, opens many
 * WebSocket subscribers, then for `--seconds` publishes epoch events straight through
 * `publishRunEvent` from this process's own PostgreSQL and Redis connections (what a worker
 * does, without training anything) while submitting runs over HTTP at a steady rate. No worker
 * runs: submitted runs stay queued. Prints, as JSON lines and a summary:
 *   - event latency: from the event's `at` (its commit) to its receipt by a subscriber, p50/p99/max,
 *     and how many deliveries were expected and missed;
 *   - submissions: achieved rate, p50/p99/max latency of POST /v1/runs, and non-201 answers;
 *   - the API process's RSS before the load, at its peak, and after.
 * Everything is bounded in count and time and stops by itself.
 *
 * Options:
 *   --subscribers N    WebSocket clients, default 200 (90% on one run's stream, 10% on the team's)
 *   --runs N           runs the events are published for, default 10
 *   --events-per-s N   epoch events published per second, all runs together, default 50
 *   --submit-per-s N   POST /v1/runs per second, default 10
 *   --seconds N        length of the measured phase, default 20
 */
const { values } = parseArgs({
  options: {
    subscribers: { type: 'string', default: '200' },
    runs: { type: 'string', default: '10' },
    'events-per-s': { type: 'string', default: '50' },
    'submit-per-s': { type: 'string', default: '10' },
    seconds: { type: 'string', default: '20' },
  },
});
const SUBSCRIBERS = Number(values.subscribers);
const RUNS = Number(values.runs);
const EVENTS_PER_S = Number(values['events-per-s']);
const SUBMIT_PER_S = Number(values['submit-per-s']);
const SECONDS = Number(values.seconds);

// Whatever happens, stop: the measured phase plus a generous minute for setup and teardown.
const watchdog = setTimeout(() => {
  console.error('bench:load: did not finish in time; stopping');
  api?.kill('SIGKILL');
  process.exit(1);
}, (SECONDS + 90) * 1000);
watchdog.unref();

const TABLE = ['x1,x2,x3,y', '73,80,75,152', '93,88,93,185', '89,91,90,180', '96,98,100,196', '73,66,70,142'].join('\n');
const spec = (datasetId: string) => ({
  datasetId,
  model: { layers: [{ type: 'dense', units: 4, activation: 'relu' }, { type: 'dense', units: 1 }] },
  compile: { optimizer: { type: 'adam', learningRate: 0.01 }, loss: 'meanSquaredError' },
  fit: { epochs: 5, batchSize: 5 },
});

let api: ChildProcess | null = null;

const mb = (bytes: number) => Math.round((bytes / 1024 / 1024) * 10) / 10;
const ms = (v: number) => Math.round(v * 10) / 10;

async function main() {
  const place = await createBenchPlace('bench');
  const db = createPrismaClient(place.databaseUrl);
  const redis = createRedis(place.redisUrl, 'trainyard-bench-publisher');
  const redisPrefix = place.redisPrefix;
  const team = await upsertTeam(db, 'bench');
  const { key } = await createApiKey(db, team.id);
  const auth = { authorization: `Bearer ${key}` };

  const port = await freePort();
  const baseUrl = `http://127.0.0.1:${port}`;
  // The limiter stays in the path (its Redis round trip is part of the cost) but never trips.
  api = startServiceProcess('src/server.ts', place, { PORT: String(port), RATE_LIMIT_PER_MINUTE: '1000000' });
  const apiPid = api.pid!;
  try {
    await waitForReady(baseUrl, 60_000);

    const form = new FormData();
    form.set('format', 'csv');
    form.set('label', 'y');
    form.set('task', 'regression');
    form.set('file', new Blob([TABLE]), 'scores.csv');
    const dataset = (await (await fetch(`${baseUrl}/v1/datasets`, { method: 'POST', headers: auth, body: form })).json()) as { id: string };
    const submit = () => fetch(`${baseUrl}/v1/runs`, { method: 'POST', headers: { ...auth, 'content-type': 'application/json' }, body: JSON.stringify(spec(dataset.id)) });
    // The runs the events are about; the first submit also starts the API's compute process.
    const runIds: string[] = [];
    for (let i = 0; i < RUNS; i++) runIds.push(((await (await submit()).json()) as { id: string }).id);

    // Subscribers: most follow one run, some the whole team (they receive every event).
    const teamSubscribers = Math.max(1, Math.round(SUBSCRIBERS / 10));
    const latencies: number[] = [];
    let received = 0;
    const sockets: WebSocket[] = [];
    const opened: Promise<void>[] = [];
    for (let i = 0; i < SUBSCRIBERS; i++) {
      const teamWide = i < teamSubscribers;
      const runId = runIds[i % RUNS];
      // since=large-ish skips replaying the setup's `queued` events: only live epochs are timed.
      const url = teamWide ? `ws://127.0.0.1:${port}/v1/events` : `ws://127.0.0.1:${port}/v1/runs/${runId}/events?since=1`;
      const ws = new WebSocket(url, { headers: auth, perMessageDeflate: false });
      sockets.push(ws);
      opened.push(new Promise((resolve, reject) => (ws.once('open', () => resolve()), ws.once('error', reject))));
      ws.on('message', (raw) => {
        const now = Date.now();
        const event = JSON.parse(String(raw)) as { type: string; at: string };
        if (event.type !== 'epoch') return;
        received++;
        latencies.push(now - Date.parse(event.at));
      });
    }
    await Promise.all(opened);
    await new Promise((r) => setTimeout(r, 500));
    const rssBefore = await rssBytes(apiPid);
    let rssPeak = rssBefore;
    const rssTimer = setInterval(() => void rssBytes(apiPid).then((v) => (rssPeak = Math.max(rssPeak, v)), () => undefined), 250);

    // The measured phase: steady publishing and steady submitting, for SECONDS.
    const publisherDeps = { db, redis, redisPrefix };
    const epochOf = new Map(runIds.map((id) => [id, 0]));
    let published = 0;
    const publishing: Promise<unknown>[] = [];
    const submitLatencies: number[] = [];
    const submitStatuses = new Map<number, number>();
    const submitting: Promise<unknown>[] = [];
    const started = Date.now();
    const publishTimer = setInterval(() => {
      const runId = runIds[published % RUNS];
      const epoch = epochOf.get(runId)! + 1;
      epochOf.set(runId, epoch);
      published++;
      publishing.push(
        publishRunEvent(publisherDeps, {
          runId,
          teamId: team.id,
          type: 'epoch',
          data: { epoch, metrics: { loss: 1 / epoch, val_loss: 1.1 / epoch }, durationMs: 100, samplesPerSec: 50 },
        }),
      );
    }, 1000 / EVENTS_PER_S);
    const submitTimer = setInterval(() => {
      const t0 = performance.now();
      submitting.push(
        submit().then(
          async (res) => {
            await res.arrayBuffer();
            submitLatencies.push(performance.now() - t0);
            submitStatuses.set(res.status, (submitStatuses.get(res.status) ?? 0) + 1);
          },
          () => submitStatuses.set(0, (submitStatuses.get(0) ?? 0) + 1),
        ),
      );
    }, 1000 / SUBMIT_PER_S);
    await new Promise((r) => setTimeout(r, SECONDS * 1000));
    clearInterval(publishTimer);
    clearInterval(submitTimer);
    await Promise.allSettled([...publishing, ...submitting]);
    const elapsedS = (Date.now() - started) / 1000;
    // Let the last announcements reach every socket.
    const expected = published * (SUBSCRIBERS - teamSubscribers) / RUNS + published * teamSubscribers;
    const settleUntil = Date.now() + 5000;
    while (received < expected && Date.now() < settleUntil) await new Promise((r) => setTimeout(r, 100));
    clearInterval(rssTimer);
    const rssAfter = await rssBytes(apiPid);

    const sortedLat = [...latencies].sort((a, b) => a - b);
    const sortedSub = [...submitLatencies].sort((a, b) => a - b);
    const result = {
      subscribers: SUBSCRIBERS,
      teamWideSubscribers: teamSubscribers,
      runs: RUNS,
      seconds: ms(elapsedS),
      events: {
        published,
        publishedPerS: ms(published / elapsedS),
        deliveriesExpected: Math.round(expected),
        deliveriesReceived: received,
        deliveriesPerS: Math.round(received / elapsedS),
        latencyMs: { p50: percentile(sortedLat, 50), p99: percentile(sortedLat, 99), max: sortedLat.at(-1) ?? null },
      },
      submissions: {
        sent: submitLatencies.length + (submitStatuses.get(0) ?? 0),
        perS: ms(submitLatencies.length / elapsedS),
        statuses: Object.fromEntries(submitStatuses),
        latencyMs: { p50: ms(percentile(sortedSub, 50) ?? 0), p99: ms(percentile(sortedSub, 99) ?? 0), max: ms(sortedSub.at(-1) ?? 0) },
      },
      apiRssMb: { before: mb(rssBefore), peak: mb(rssPeak), after: mb(rssAfter) },
    };
    console.log(JSON.stringify(result));
    console.error(
      [
        `${SUBSCRIBERS} subscribers (${teamSubscribers} team-wide), ${RUNS} runs, ${ms(elapsedS)} s`,
        `events: ${published} published (${result.events.publishedPerS}/s), ${received}/${Math.round(expected)} deliveries, latency p50 ${result.events.latencyMs.p50} ms, p99 ${result.events.latencyMs.p99} ms, max ${result.events.latencyMs.max} ms`,
        `submissions: ${result.submissions.sent} sent (${result.submissions.perS}/s ok), statuses ${JSON.stringify(result.submissions.statuses)}, latency p50 ${result.submissions.latencyMs.p50} ms, p99 ${result.submissions.latencyMs.p99} ms, max ${result.submissions.latencyMs.max} ms`,
        `API RSS: ${result.apiRssMb.before} MB before, ${result.apiRssMb.peak} MB peak, ${result.apiRssMb.after} MB after`,
      ].join('\n'),
    );
    for (const ws of sockets) ws.terminate();
  } finally {
    await stopServiceProcess(api);
    await db.$disconnect();
    await removeBenchPlace(place, redis);
    await redis.quit();
  }
}

await main();
clearTimeout(watchdog);
