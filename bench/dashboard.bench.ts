import { parseArgs } from 'node:util';
import { chromium, type Browser } from 'playwright-core';
import { createApiKey } from '../src/auth/api-keys.repository.ts';
import { ensureDashboardBuilt } from '../src/dashboard/build-dashboard.ts';
import { createPrismaClient, type Db } from '../src/db/prisma-client.ts';
import { createRedis } from '../src/redis/redis-connection.ts';
import { upsertTeam } from '../src/teams/teams.repository.ts';
import { createBenchPlace, freePort, removeBenchPlace, startServiceProcess, stopServiceProcess, waitForReady } from './bench-service.ts';

/**
 * The dashboard's runs page with a team of `--runs` runs in a real Chromium (Debian's; no
 * download), against the real API in its own process: time from navigating to the page to its
 * first rows, and to all the team's runs loaded, over `--loads` fresh page loads.
 */
const { values } = parseArgs({ options: { runs: { type: 'string', default: '1000' }, loads: { type: 'string', default: '7' } } });
const RUNS = Number(values.runs);
const LOADS = Number(values.loads);
const CHROMIUM = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium';
const TABLE = ['x1,x2,x3,y', '73,80,75,152', '93,88,93,185', '89,91,90,180', '96,98,100,196', '73,66,70,142'].join('\n');

async function seedRuns(db: Db, baseUrl: string, key: string, teamId: string): Promise<void> {
  const form = new FormData();
  form.set('format', 'csv');
  form.set('label', 'y');
  form.set('task', 'regression');
  form.set('file', new Blob([TABLE], { type: 'text/csv' }), 'table.csv');
  const res = await fetch(`${baseUrl}/v1/datasets`, { method: 'POST', headers: { authorization: `Bearer ${key}` }, body: form });
  if (res.status !== 201) throw new Error(`upload failed: ${res.status} ${await res.text()}`);
  const { id: datasetId } = (await res.json()) as { id: string };
  const spec = { compile: { optimizer: { type: 'sgd', learningRate: 0.1 }, loss: 'meanSquaredError' }, fit: { epochs: 5, batchSize: 5 } };
  await db.run.createMany({
    data: Array.from({ length: RUNS }, (_, i) => ({ teamId, datasetId, spec, totalEpochs: 5, currentEpoch: 5, status: 'completed' as const, latestMetrics: { loss: 1 / (i + 1), val_loss: 2 / (i + 1) } })),
  });
}

/** One fresh context: sign in on another page, then time the runs page. */
async function timeOneLoad(browser: Browser, baseUrl: string, key: string): Promise<{ firstRows: number; allLoaded: number }> {
  const context = await browser.newContext({ viewport: { width: 1280, height: 800 } });
  try {
    const page = await context.newPage();
    await page.goto(`${baseUrl}/#/datasets`);
    await page.fill('#api-key', key);
    await page.click('button[type=submit]');
    await page.waitForSelector('[data-testid=team-name]');
    const started = Date.now();
    await page.goto(`${baseUrl}/#/runs`);
    await page.waitForSelector('[data-testid=runs-table] tbody tr');
    const firstRows = Date.now() - started;
    await page.waitForSelector('[data-testid=runs-page][data-loaded=true]');
    return { firstRows, allLoaded: Date.now() - started };
  } finally {
    await context.close();
  }
}

function row(name: string, ms: number[]): string {
  const sorted = [...ms].sort((a, b) => a - b);
  return `| ${name} | ${sorted[Math.floor(sorted.length / 2)]} | ${sorted[0]}–${sorted[sorted.length - 1]} |`;
}

async function main() {
  await ensureDashboardBuilt(() => undefined);
  const place = await createBenchPlace('bench_dashboard');
  const db = createPrismaClient(place.databaseUrl);
  const redis = createRedis(place.redisUrl, 'trainyard-bench-dashboard');
  const port = await freePort();
  const api = startServiceProcess('src/server.ts', place, { PORT: String(port), RATE_LIMIT_PER_MINUTE: '1000000' });
  // --no-sandbox: CI runs as root, where Chromium's sandbox refuses to start.
  const browser = await chromium.launch({ executablePath: CHROMIUM, headless: true, args: ['--no-sandbox', '--disable-dev-shm-usage'] });
  try {
    const baseUrl = `http://127.0.0.1:${port}`;
    const team = await upsertTeam(db, 'bench');
    const { key } = await createApiKey(db, team.id);
    await waitForReady(baseUrl, 60_000);
    await seedRuns(db, baseUrl, key, team.id);
    const loads = [];
    for (let i = 0; i < LOADS; i++) loads.push(await timeOneLoad(browser, baseUrl, key));
    console.log(`\nRuns page with ${RUNS.toLocaleString('en-US')} runs, ${LOADS} fresh loads in Chromium at 1280×800\n`);
    console.log('| measure | median ms | range ms |\n|---|---|---|');
    console.log(row('first rows', loads.map((l) => l.firstRows)));
    console.log(row('all loaded', loads.map((l) => l.allLoaded)));
  } finally {
    await browser.close();
    await stopServiceProcess(api);
    await db.$disconnect();
    await removeBenchPlace(place, redis);
    await redis.quit();
  }
}

await main();
