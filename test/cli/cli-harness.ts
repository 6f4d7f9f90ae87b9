import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtemp, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';

export const REPO_ROOT = path.resolve(import.meta.dirname, '../..');
/** The bin as npm installs it: `trainyard` is this file. */
export const CLI_BIN = path.join(REPO_ROOT, 'cli/bin/trainyard.mjs');

export interface CliResult {
  code: number | null;
  stdout: string;
  stderr: string;
}

export interface CliProcess {
  child: ChildProcess;
  /** Resolves once stdout satisfies `condition` (or rejects when the process ends first). */
  waitFor: (condition: (stdout: string) => boolean) => Promise<void>;
  /** What it wrote to stderr so far. */
  stderr: () => string;
  done: Promise<CliResult>;
}

/** The environment the CLI sees: a private config dir, no colours forced either way, no TTY. */
export async function cliHome(): Promise<{ env: NodeJS.ProcessEnv; dir: string; cleanup: () => Promise<void> }> {
  const dir = await mkdtemp(path.join(os.tmpdir(), 'trainyard-cli-'));
  const env: NodeJS.ProcessEnv = { ...process.env, XDG_CONFIG_HOME: path.join(dir, 'config'), TRAINYARD_URL: '', TRAINYARD_API_KEY: '' };
  delete env.NO_COLOR;
  return { env, dir, cleanup: () => rm(dir, { recursive: true, force: true }) };
}

/** Starts `trainyard ARGS...` as a user's shell would, with piped stdio. */
export function startCli(args: string[], env: NodeJS.ProcessEnv, cwd = REPO_ROOT): CliProcess {
  const child = spawn(process.execPath, [CLI_BIN, ...args], { cwd, env, stdio: ['ignore', 'pipe', 'pipe'] });
  let stdout = '';
  let stderr = '';
  const waiters: { condition: (s: string) => boolean; resolve: () => void }[] = [];
  child.stdout!.on('data', (chunk) => {
    stdout += chunk;
    for (const w of waiters.filter((w) => w.condition(stdout))) {
      waiters.splice(waiters.indexOf(w), 1);
      w.resolve();
    }
  });
  child.stderr!.on('data', (chunk) => (stderr += chunk));
  const done = new Promise<CliResult>((resolve, reject) => {
    child.on('error', reject);
    child.on('close', (code) => resolve({ code, stdout, stderr }));
  });
  const waitFor = (condition: (s: string) => boolean) =>
    condition(stdout)
      ? Promise.resolve()
      : new Promise<void>((resolve, reject) => {
          waiters.push({ condition, resolve });
          void done.then((r) => reject(new Error(`trainyard ${args.join(' ')} ended (${r.code}) first:\n${r.stdout}\n${r.stderr}`)));
        });
  return { child, waitFor, stderr: () => stderr, done };
}

/** Runs `trainyard ARGS...` to its end. */
export const runCli = (args: string[], env: NodeJS.ProcessEnv, cwd?: string): Promise<CliResult> => startCli(args, env, cwd).done;
