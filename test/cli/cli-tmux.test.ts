import { execFile } from 'node:child_process';
import { mkdir, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { promisify } from 'node:util';
import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTeam } from '../helper.ts';
import { startStack, type Stack } from '../e2e/harness.ts';
import { CLI_BIN, cliHome } from './cli-harness.ts';

const exec = promisify(execFile);
/** The terminal as the user saw it, kept with CI's other artifacts for a reader of the run. */
const SESSION_TRANSCRIPT = path.resolve(import.meta.dirname, '../../.ci/out/cli-follow-session.txt');

/**
 * The CLI on a real terminal: tmux gives it a 120×30 TTY, so the progress bar draws and the
 * follow prints in colour. The test reads the screen back (scrollback included) once the shell
 * has printed the exit status, and checks that the bar ended at 100% on a line of its own,
 * the epoch rows and final status came after it, and the cursor was given back.
 */
describe('trainyard CLI in a terminal (tmux)', () => {
  let stack: Stack;
  let home: Awaited<ReturnType<typeof cliHome>>;
  // A private tmux server: nothing of the user's (or another test's) sessions is touched.
  const socket = `trainyard-test-${randomUUID().slice(0, 8)}`;
  const tmux = (...args: string[]) => exec('tmux', ['-L', socket, ...args]).then((r) => r.stdout);

  beforeAll(async () => {
    stack = await startStack();
    const team = await createTeam(stack.config);
    home = await cliHome();
    // Big enough (about 2 MB) for the bar to move, small enough to parse in a moment.
    const rows = Array.from({ length: 100_000 }, (_, i) => `${i % 7},${i % 11},${i % 13},${(i % 7) + 2 * (i % 11) - (i % 13)}`);
    await writeFile(path.join(home.dir, 'big.csv'), `x1,x2,x3,y\n${rows.join('\n')}\n`);
    await writeFile(path.join(home.dir, 'run.json'), JSON.stringify({ datasetId: 'DATASET', model: { layers: [{ type: 'dense', units: 1 }] }, compile: { optimizer: { type: 'sgd', learningRate: 0.01 }, loss: 'meanSquaredError' }, fit: { epochs: 3, batchSize: 5000 } }));
    await writeFile(path.join(home.dir, 'env.sh'), `export TRAINYARD_URL='${stack.baseUrl}' TRAINYARD_API_KEY='${team.key}' XDG_CONFIG_HOME='${home.env.XDG_CONFIG_HOME}'\nunset NO_COLOR\n`);
  });
  afterAll(async () => {
    await tmux('kill-server').catch(() => undefined);
    await stack?.close();
    await home?.cleanup();
  });

  async function screenWhen(marker: RegExp, timeoutMs = 120_000): Promise<string> {
    const deadline = Date.now() + timeoutMs;
    for (;;) {
      const screen = await tmux('capture-pane', '-p', '-J', '-S', '-', '-t', 'cli');
      if (marker.test(screen)) return screen;
      if (Date.now() > deadline) throw new Error(`the screen never showed ${marker}:\n${screen}`);
      await new Promise((resolve) => setTimeout(resolve, 200));
    }
  }

  it('draws the upload bar and the followed run, then stops cleanly', { timeout: 180_000 }, async () => {
    const cli = `node '${CLI_BIN}'`;
    const script = [
      `cd '${home.dir}' && . ./env.sh`,
      `${cli} datasets upload big.csv --format csv --label y --task regression --json > dataset.json`,
      `${cli} datasets upload big.csv --format csv --label y --task regression`,
      `sed -i "s/DATASET/$(node -pe 'require("./dataset.json").id')/" run.json`,
      `${cli} runs create -f run.json --follow; echo "__EXIT__ $?"`,
      'sleep 600',
    ].join('\n');
    await writeFile(path.join(home.dir, 'session.sh'), script);
    await tmux('new-session', '-d', '-x', '120', '-y', '30', '-s', 'cli', `bash '${path.join(home.dir, 'session.sh')}'`);
    const screen = await screenWhen(/__EXIT__ \d+/);
    const lines = screen.split('\n').map((l) => l.trimEnd());
    await mkdir(path.dirname(SESSION_TRANSCRIPT), { recursive: true });
    await writeFile(SESSION_TRANSCRIPT, lines.join('\n').trimEnd() + '\n');

    expect(lines.find((l) => l.startsWith('__EXIT__')), screen).toBe('__EXIT__ 0');
    // The human upload only: --json keeps the terminal free of decoration.
    const bars = lines.filter((l) => l.startsWith('uploading big.csv ['));
    expect(bars, screen).toHaveLength(1);
    expect(bars[0]).toMatch(/\] 100% \| (\d+\.\d KiB) \/ \1$/);
    const barAt = lines.indexOf(bars[0]);
    expect(lines[barAt + 1]).toMatch(/^ready [0-9a-f-]{36} big \(/);
    expect(lines[barAt + 2]).toBe('100000 samples, input 3, regression, target 1');

    const rows = lines.filter((l) => /^\d+\s+[-\d.e+]+\s+\d+\s+\d+$/.test(l));
    expect(rows.map((r) => r.split(/\s+/)[0]), screen).toEqual(['1', '2', '3']);
    expect(lines[lines.indexOf(rows[2]) + 1]).toMatch(/^completed/);
    // cli-progress hid the cursor while drawing: it must be back.
    expect((await tmux('display-message', '-p', '-t', 'cli', '#{cursor_flag}')).trim()).toBe('1');
    // Colours on a terminal: the outcome in green.
    const coloured = await tmux('capture-pane', '-p', '-e', '-J', '-S', '-', '-t', 'cli');
    expect(coloured).toContain('\u001b[32mcompleted');
  });
});
