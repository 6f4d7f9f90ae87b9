import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Browser } from 'playwright-core';
import request from 'supertest';
import { idxImages, idxLabels } from '../datasets/fixtures/idx.ts';
import { ensureDashboardBuilt } from '../../src/dashboard/build-dashboard.ts';
import { createTeam } from '../helper.ts';
import { startStack, type Stack } from '../e2e/harness.ts';
import { uploadRegression, waitFor } from '../e2e/durability-fixture.ts';
import { createExperiment, experimentBody } from '../experiments/experiment-fixture.ts';
import { launchBrowser, openPage, screenshot, signIn, type PageProblems } from './browser.ts';
import { COURSE_TABLE, slowTable, submitRun, uploadCsv, waitFinished } from './fixtures.ts';

type Team = Awaited<ReturnType<typeof createTeam>>;

/**
 * The dashboard in a real Chromium against the real API and a real worker. Every wait is on a
 * condition the page shows (a data attribute, a row), never a sleep.
 */
describe('dashboard in a browser', () => {
  let stack: Stack;
  let browser: Browser;
  let team: Team;
  const allProblems: PageProblems[] = [];

  beforeAll(async () => {
    await ensureDashboardBuilt(() => undefined);
    // Batch progress often enough that the run page's bar visibly moves within an epoch.
    stack = await startStack({ BATCH_PROGRESS_INTERVAL_S: '0.2' });
    browser = await launchBrowser();
    team = await createTeam(stack.config);
  }, 120_000);
  afterAll(async () => {
    await browser?.close();
    await stack?.close();
  });

  const open = async (viewport?: { width: number; height: number }, colorScheme?: 'light' | 'dark') => {
    const opened = await openPage(browser, viewport, colorScheme);
    allProblems.push(opened.problems);
    return opened.page;
  };

  it('refuses a wrong key, then signs in, names the team, and signs out', async () => {
    const page = await open();
    const response = await page.goto(`${stack.baseUrl}/`);
    expect(response!.headers()['content-security-policy']).toContain("script-src 'self'");
    await screenshot(page, 'sign-in');
    await page.fill('#api-key', 'ty_not_a_key');
    await page.click('button[type=submit]');
    await page.waitForSelector('[role=alert]');
    await signIn(page, stack.baseUrl, team.key);
    expect(await page.textContent('[data-testid=team-name]')).toBe(team.name);
    expect(await page.evaluate(() => Object.keys(localStorage).length)).toBe(0);
    await page.click('text=Sign out');
    await page.waitForSelector('#api-key');
    expect(await page.evaluate(() => sessionStorage.length)).toBe(0);
  });

  it('uploads a dataset with a progress bar, then shows its shape', async () => {
    const page = await open();
    await signIn(page, stack.baseUrl, team.key, '#/datasets');
    await page.setInputFiles('input[name=file]', { name: 'scores.csv', mimeType: 'text/csv', buffer: Buffer.from(slowTable(4000)) });
    await page.fill('input[name=label]', 'y');
    await page.fill('input[name=task]', 'regression');
    await page.click('form.upload button[type=submit]');
    await page.waitForSelector('[data-testid=upload-progress][data-done=true]');
    const sent = Number(await page.getAttribute('[data-testid=upload-progress]', 'data-sent'));
    expect(sent).toBeGreaterThan(200_000);
    expect(await page.getAttribute('[data-testid=upload-progress]', 'data-total')).toBe(String(sent));
    await screenshot(page, 'upload');
    await page.click('[data-testid=upload-progress] a');
    await page.waitForSelector('[data-testid=dataset-page][data-status=ready]');
    expect(await page.textContent('[data-testid=num-samples]')).toBe('4000');
    expect(await page.textContent('[data-testid=input-shape]')).toBe('16');
    await page.waitForSelector('[data-testid=column-stats]');
    expect(await page.$$('[data-testid=column-stats] tbody tr')).toHaveLength(16);
    expect(await page.$$('[data-testid=sample-rows] tbody tr')).toHaveLength(24);
    await screenshot(page, 'dataset');

    const labels = Array.from({ length: 40 }, (_, i) => i % 4);
    const idx = await request(stack.app.server).post('/v1/datasets').set(team.auth).field('format', 'idx').attach('images', idxImages(40, 12, 12), 'digits.idx3-ubyte').attach('labels', idxLabels(labels), 'labels.idx1-ubyte');
    await page.goto(`${stack.baseUrl}/#/datasets/${idx.body.id}`);
    await page.waitForSelector('[data-testid=sample-grid] canvas');
    expect(await page.$$('[data-testid=sample-grid] canvas')).toHaveLength(24);
    expect(await page.textContent('[data-testid=class-counts]')).toContain('10');
    await screenshot(page, 'dataset-images');
    await page.goto(`${stack.baseUrl}/#/datasets`);
    await page.waitForSelector('[data-testid=datasets-page] tbody tr');
    await screenshot(page, 'datasets');
  });

  it('grows a live run\'s curve epoch by epoch with no reload, resumes without a gap after the socket drops, and cancels', async () => {
    const datasetId = await uploadCsv(stack.app, team.auth, slowTable(3000));
    const runId = await submitRun(stack.app, team.auth, datasetId, { epochs: 1000, learningRate: 0.01, hidden: 32, batchSize: 8 });
    const page = await open();
    await signIn(page, stack.baseUrl, team.key, `#/runs/${runId}`);
    await page.evaluate(() => ((window as unknown as { marker: number }).marker = 1));

    const epochs = () => page.getAttribute('[data-testid=run-charts]', 'data-epochs').then(Number);
    await page.waitForFunction(() => Number(document.querySelector('[data-testid=run-charts]')?.getAttribute('data-epochs')) >= 2, undefined, { timeout: 60_000 });
    const first = await epochs();
    // The batch bar moves within the epoch: two different (epoch, batch) readings, batches of 8 out of 2400 samples.
    await page.waitForSelector('[data-testid=batch-progress]', { timeout: 30_000 });
    const reading = () => page.evaluate(() => {
      const bar = document.querySelector('[data-testid=batch-progress]');
      return bar ? `${bar.getAttribute('data-epoch')}:${bar.getAttribute('data-batch')}` : '';
    });
    const firstReading = await reading();
    expect(await page.getAttribute('[data-testid=batch-progress]', 'data-batches')).toBe('300');
    await page.waitForFunction((before) => {
      const bar = document.querySelector('[data-testid=batch-progress]');
      return bar !== null && `${bar.getAttribute('data-epoch')}:${bar.getAttribute('data-batch')}` !== before;
    }, firstReading, { timeout: 30_000 });
    await page.waitForFunction((n) => Number(document.querySelector('[data-testid=run-charts]')?.getAttribute('data-epochs')) > n, first, { timeout: 60_000 });
    const points = await page.getAttribute('figure.chart', 'data-points');
    expect(Number(points)).toBeGreaterThan(first);

    // Drop every WebSocket from the server's side, as a restarting proxy would.
    for (const client of stack.app.websocketServer.clients) client.terminate();
    await page.waitForFunction(() => Number(document.querySelector('[data-testid=run-page]')?.getAttribute('data-reconnects')) >= 1, undefined, { timeout: 30_000 });
    await page.waitForSelector('[data-testid=run-page][data-connection=live]');
    const afterDrop = await epochs();
    await page.waitForFunction((n) => Number(document.querySelector('[data-testid=run-charts]')?.getAttribute('data-epochs')) > n + 1, afterDrop, { timeout: 60_000 });
    // No gap and no duplicate: the chart holds epochs 1..n exactly.
    const xs = await page.getAttribute('[data-testid=run-charts]', 'data-epoch-list');
    const list = xs!.split(',').map(Number);
    expect(list).toEqual(list.map((_, i) => i + 1));
    expect(await page.evaluate(() => (window as unknown as { marker?: number }).marker)).toBe(1);
    // Enough points for a picture of live curves (the README's shows this page).
    await page.waitForFunction(() => Number(document.querySelector('[data-testid=run-charts]')?.getAttribute('data-epochs')) >= 12, undefined, { timeout: 60_000 });
    await screenshot(page, 'run-live', { fullPage: false });

    await page.click('button:text("Cancel")');
    await page.waitForSelector('[data-testid=run-page][data-status=canceled]', { timeout: 60_000 });
  });

  it('compares two runs on one chart with their differing hyperparameters', async () => {
    const datasetId = await uploadCsv(stack.app, team.auth, COURSE_TABLE);
    const a = await submitRun(stack.app, team.auth, datasetId, { epochs: 8, learningRate: 0.1 });
    const b = await submitRun(stack.app, team.auth, datasetId, { epochs: 8, learningRate: 0.05 });
    await waitFinished(stack.app, team.auth, a);
    await waitFinished(stack.app, team.auth, b);
    const page = await open();
    await signIn(page, stack.baseUrl, team.key);
    await page.waitForSelector('[data-testid=runs-page][data-loaded=true]');
    await screenshot(page, 'runs');
    await page.check(`tr[data-run-id="${a}"] input[type=checkbox]`);
    await page.check(`tr[data-run-id="${b}"] input[type=checkbox]`);
    await page.click('text=Compare 2 selected');
    await page.waitForSelector('[data-testid=spec-diff]');
    expect(await page.getAttribute('figure.chart', 'data-points')).toBe('8');
    expect(await page.textContent('[data-testid=spec-diff]')).toContain('compile.optimizer.learningRate');
    await screenshot(page, 'compare');

    await page.goto(`${stack.baseUrl}/#/runs/${a}`);
    await page.waitForSelector('[data-testid=run-page][data-status=completed] form.predict');
    await page.fill('form.predict textarea', '[73, 80, 75]');
    await page.click('form.predict button[type=submit]');
    await page.waitForSelector('[data-testid=prediction]');
    expect(await page.textContent('[data-testid=prediction]')).toMatch(/Predicted value: \d/);
    await screenshot(page, 'run-completed');
  });

  it('adds a new run to the runs table and follows it to completed, from the team stream alone', async () => {
    const page = await open();
    await signIn(page, stack.baseUrl, team.key);
    await page.waitForSelector('[data-testid=runs-page][data-loaded=true][data-live=true]');
    const datasetId = await uploadCsv(stack.app, team.auth, COURSE_TABLE);
    const runId = await submitRun(stack.app, team.auth, datasetId, { epochs: 5, learningRate: 0.1 });
    await page.waitForSelector(`tr[data-run-id="${runId}"] .status-completed`, { timeout: 60_000 });
    expect(await page.textContent(`tr[data-run-id="${runId}"]`)).toContain('5/5');
  });

  it('follows a search live: paused and resumed from the page, its trials appear and complete, the best starred and drawn on top', async () => {
    const datasetId = await uploadRegression(stack.app.server, team.auth, 200);
    const exp = await createExperiment(stack.app.server, team.auth, experimentBody(datasetId, { name: 'lr-width-sweep' }));
    const page = await open();
    await signIn(page, stack.baseUrl, team.key, `#/experiments/${exp.id}`);
    await page.evaluate(() => ((window as unknown as { marker: number }).marker = 1));
    const experimentPage = (status: string) => page.waitForSelector(`[data-testid=experiment-page][data-status=${status}][data-connection=live]`, { timeout: 30_000 });
    // No trial is launched until the driver runs (below), so the search is still running here.
    await experimentPage('running');
    await page.click('button:text("Pause search")');
    await experimentPage('paused');
    await page.click('button:text("Resume search")');
    await experimentPage('running');

    // The driver, as the API runs it every EXPERIMENT_DRIVER_INTERVAL_S, but only for this team.
    const driving = setInterval(() => void stack.app.experimentDriver.pass({ teamId: team.id }).catch(() => undefined), 100);
    try {
      await page.waitForSelector('[data-testid=experiment-page][data-status=completed]', { timeout: 180_000 });
    } finally {
      clearInterval(driving);
    }
    // The grid's 2 × 2 points, each a row and a line, arrived over the socket with no reload.
    await page.waitForSelector('[data-testid=experiment-page][data-trials="4"]');
    expect(await page.evaluate(() => (window as unknown as { marker?: number }).marker)).toBe(1);
    const { trials } = (await request(stack.app.server).get(`/v1/experiments/${exp.id}/trials`).set(team.auth)).body as { trials: { id: string; state: string }[] };
    const { bestTrialId } = (await request(stack.app.server).get(`/v1/experiments/${exp.id}`).set(team.auth)).body as { bestTrialId: string };
    await page.waitForFunction((n) => document.querySelectorAll('[data-testid=trials] tbody tr[data-state=completed]').length === n, trials.length);
    expect(await page.$$('svg.parallel polyline.trial')).toHaveLength(4);
    expect(await page.$$('svg.parallel polyline.trial.best')).toHaveLength(1);
    expect(await page.textContent(`tr.best[data-trial-id="${bestTrialId}"]`)).toContain('★');
    expect(await page.$$('tr.best')).toHaveLength(1);
    const feed = await page.textContent('[data-testid=experiment-feed]');
    expect(feed).toContain('search completed');
    expect(feed).toContain('new best');
    await screenshot(page, 'experiment');

    await page.goto(`${stack.baseUrl}/#/experiments`);
    await page.waitForSelector('[data-testid=experiments-page] tbody tr');
    expect(await page.textContent('[data-testid=experiments-page] tbody')).toContain('lr-width-sweep');
    expect(await page.textContent('[data-testid=experiments-page] tbody')).toContain('4 / 4');
    await screenshot(page, 'experiments');
  }, 240_000);

  it('shows queued runs with their position and ETA, and the worker with its backend, current run and heartbeat', async () => {
    const busy = await createTeam(stack.config);
    const datasetId = await uploadCsv(stack.app, busy.auth, slowTable(3000));
    const runIds: string[] = [];
    for (let i = 0; i < 3; i++) runIds.push(await submitRun(stack.app, busy.auth, datasetId, { epochs: 1000, learningRate: 0.01, hidden: 32, batchSize: 8 }));
    const runOf = async (id: string) => (await request(stack.app.server).get(`/v1/runs/${id}`).set(busy.auth)).body as { id: string; status: string; currentEpoch: number };
    // An ETA needs an epoch's duration: wait for the running run's first epoch.
    const running = await waitFor('a run to finish an epoch', async () => (await Promise.all(runIds.map(runOf))).find((r) => r.currentEpoch >= 1), 60_000, 200);
    const queued = (await Promise.all(runIds.map(runOf))).filter((r) => r.status === 'queued').map((r) => r.id);
    expect(queued.length).toBeGreaterThan(0);

    const page = await open();
    await signIn(page, stack.baseUrl, busy.key, '#/queue');
    await page.waitForSelector('[data-testid=queued] tbody tr');
    const rows = await page.$$eval('[data-testid=queued] tbody tr', (trs) => trs.map((tr) => [...tr.querySelectorAll('td')].map((td) => td.textContent ?? '')));
    // Oldest first, numbered from 1, each with an ETA that grows down the queue.
    expect(rows.map((r) => r[0])).toEqual(queued.map((_, i) => String(i + 1)));
    expect(rows.map((r) => r[1])).toEqual(queued.map((id) => id.slice(0, 8)));
    expect(rows.every((r) => /^~\d+ (s|min)/.test(r[4]))).toBe(true);
    const etas = await page.$$eval('[data-testid=queued] tbody td[data-eta-s]', (tds) => tds.map((td) => Number(td.getAttribute('data-eta-s'))));
    expect(etas).toHaveLength(queued.length);
    expect(etas.every((eta) => eta > 0)).toBe(true);
    expect([...etas].sort((a, b) => a - b)).toEqual(etas);

    const worker = (await page.textContent('[data-testid=workers] tbody tr'))!;
    expect(worker).toContain(stack.worker.workerId);
    expect(worker).toContain('cpu');
    expect(worker).toContain(running.id.slice(0, 8));
    expect(await page.$eval('[data-testid=workers] tbody tr time', (t) => Date.parse(t.getAttribute('datetime') ?? ''))).toBeGreaterThan(Date.now() - 60_000);
    await screenshot(page, 'queue-busy');

    // Live: canceling the running run starts the next, and the page follows with no reload.
    await page.waitForSelector('[data-testid=queue-page][data-live=true]');
    await request(stack.app.server).post(`/v1/runs/${running.id}/cancel`).set(busy.auth);
    await page.waitForFunction((n) => document.querySelectorAll('[data-testid=queued] tbody tr').length === n - 1, queued.length, { timeout: 30_000 });

    for (const id of runIds) await request(stack.app.server).post(`/v1/runs/${id}/cancel`).set(busy.auth);
    for (const id of runIds) await waitFinished(stack.app, busy.auth, id);
  }, 120_000);

  it('shows a second team none of the first team\'s runs', async () => {
    const other = await createTeam(stack.config);
    const page = await open();
    await signIn(page, stack.baseUrl, other.key);
    await page.waitForSelector('[data-testid=runs-page][data-loaded=true]');
    expect(await page.getAttribute('[data-testid=runs-page]', 'data-total')).toBe('0');
    expect(await page.$$('[data-testid=runs-table] tbody tr')).toHaveLength(0);
    await page.goto(`${stack.baseUrl}/#/queue`);
    await page.waitForSelector('[data-testid=queue-page]');
    await screenshot(page, 'queue');
  });

  it('renders a team\'s 1,000 runs, one page of rows at a time', async () => {
    const big = await createTeam(stack.config);
    const datasetId = await uploadCsv(stack.app, big.auth, COURSE_TABLE);
    const spec = { compile: { optimizer: { type: 'sgd', learningRate: 0.1 }, loss: 'meanSquaredError' }, fit: { epochs: 5, batchSize: 5 } };
    await stack.app.db.run.createMany({
      data: Array.from({ length: 1000 }, (_, i) => ({ teamId: big.id, datasetId, spec, totalEpochs: 5, currentEpoch: 5, status: 'completed' as const, latestMetrics: { loss: 1 / (i + 1), val_loss: 2 / (i + 1) } })),
    });
    const page = await open();
    await signIn(page, stack.baseUrl, big.key, '#/datasets');
    const started = Date.now();
    await page.goto(`${stack.baseUrl}/#/runs`);
    await page.waitForSelector('[data-testid=runs-table] tbody tr');
    const firstRows = Date.now() - started;
    await page.waitForSelector('[data-testid=runs-page][data-loaded=true]');
    const allLoaded = Date.now() - started;
    const resort = await page.evaluate(async () => {
      const t0 = performance.now();
      (document.querySelector('th button.sort') as HTMLButtonElement).click();
      await new Promise((r) => requestAnimationFrame(() => r(null)));
      return performance.now() - t0;
    });
    expect(await page.$$('[data-testid=runs-table] tbody tr')).toHaveLength(50);
    console.log(`1,000 runs: first rows ${firstRows} ms, all loaded ${allLoaded} ms, re-sort ${resort.toFixed(0)} ms`);
    // Measured and printed; asserted only loosely (a shared CI machine can be slow).
    expect(allLoaded).toBeLessThan(20_000);
    await screenshot(page, 'runs-1000');
    const phone = await open({ width: 390, height: 844 });
    await signIn(phone, stack.baseUrl, big.key);
    await phone.waitForSelector('[data-testid=runs-table] tbody tr');
    await screenshot(phone, 'runs-phone');
  });

  it('screenshots every page in the light and dark schemes at 1280×800 and 390×844', async () => {
    const runs = await request(stack.app.server).get('/v1/runs').set(team.auth);
    const runId = runs.body.items[0].id as string;
    const experiments = await request(stack.app.server).get('/v1/experiments').set(team.auth);
    const experimentId = experiments.body.items[0].id as string;
    const pages: [string, string, string][] = [
      ['runs', '#/runs', '[data-testid=runs-page][data-loaded=true]'],
      ['run', `#/runs/${runId}`, '[data-testid=run-page]'],
      ['datasets', '#/datasets', '[data-testid=datasets-page] tbody tr'],
      ['experiments', '#/experiments', '[data-testid=experiments-page] tbody tr'],
      ['experiment', `#/experiments/${experimentId}`, '[data-testid=experiment-page] svg.parallel'],
      ['queue', '#/queue', '[data-testid=queue-page]'],
    ];
    for (const scheme of ['light', 'dark'] as const) {
      for (const viewport of [{ width: 1280, height: 800 }, { width: 390, height: 844 }]) {
        const page = await open(viewport, scheme);
        await page.goto(`${stack.baseUrl}/`);
        await page.waitForSelector('#api-key');
        await screenshot(page, `sign-in-${scheme}-${viewport.width}`);
        await signIn(page, stack.baseUrl, team.key);
        for (const [name, hash, ready] of pages) {
          await page.goto(`${stack.baseUrl}/${hash}`);
          await page.waitForSelector(ready);
          await screenshot(page, `${name}-${scheme}-${viewport.width}`);
        }
        // The page really is in the scheme asked for.
        expect(await page.evaluate(() => matchMedia('(prefers-color-scheme: dark)').matches)).toBe(scheme === 'dark');
      }
    }
  });

  it('works from the keyboard alone: sign in, reach every section and control by Tab, each focus visible', async () => {
    const page = await open();
    await page.goto(`${stack.baseUrl}/`);
    await page.waitForSelector('#api-key');
    const focused = () => page.evaluate(() => {
      const el = document.activeElement as HTMLElement | null;
      return { id: el?.id ?? '', tag: el?.tagName ?? '', type: el?.getAttribute('type') ?? '', text: el?.textContent?.trim() ?? '', outline: el ? getComputedStyle(el).outlineStyle : 'none' };
    });
    const tabTo = async (what: string, matches: (f: Awaited<ReturnType<typeof focused>>) => boolean, key = 'Tab') => {
      for (let i = 0; i < 40; i++) {
        await page.keyboard.press(key);
        const f = await focused();
        if (matches(f)) return f;
      }
      throw new Error(`${what} is not reachable by ${key}`);
    };
    await tabTo('the key field', (f) => f.id === 'api-key');
    await page.keyboard.type(team.key);
    await page.keyboard.press('Enter');
    await page.waitForSelector('[data-testid=runs-page][data-loaded=true]');
    for (const label of ['Runs', 'Compare', 'Experiments', 'Datasets', 'Queue & workers', 'Sign out']) {
      const f = await tabTo(label, (x) => x.text === label);
      expect(f.outline, `focus ring on ${label}`).not.toBe('none');
    }
    // The runs page's controls: the status filter, then the search field, typed into.
    await tabTo('the status filter', (f) => f.tag === 'SELECT');
    expect((await tabTo('the search field', (f) => f.type === 'search')).outline).not.toBe('none');
    await page.keyboard.type('no-such-run');
    await page.waitForFunction(() => document.querySelector('[data-testid=runs-page] [role=status]')?.textContent === '0 runs');
    // Back up to a section and open it with Enter.
    await tabTo('Datasets, backwards', (f) => f.text === 'Datasets', 'Shift+Tab');
    await page.keyboard.press('Enter');
    await page.waitForSelector('[data-testid=datasets-page]');
  });

  it('reported no CSP violation and no error on any page', () => {
    expect(allProblems.flatMap((p) => p.csp)).toEqual([]);
    expect(allProblems.flatMap((p) => p.errors)).toEqual([]);
  });
});
