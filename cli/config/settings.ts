import { chmod, mkdir, readFile, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { CliError } from '../cli-error.ts';
import type { CliEnv } from './cli-env.ts';

/** Where the API is and the key to use: the config file's content. */
export interface Settings {
  url: string;
  apiKey: string;
}

export const settingsPath = (env: CliEnv) => path.join(env.configDir, 'config.json');

async function readSettingsFile(env: CliEnv): Promise<Partial<Settings>> {
  try {
    return JSON.parse(await readFile(settingsPath(env), 'utf8')) as Partial<Settings>;
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'ENOENT') return {};
    throw new CliError('CONFIG_UNREADABLE', `cannot read ${settingsPath(env)}: ${(err as Error).message}`);
  }
}

/** The settings to use: the environment's, else the config file's; neither is an error that says what to do. */
export async function loadSettings(env: CliEnv): Promise<Settings> {
  const file = await readSettingsFile(env);
  const url = env.url ?? file.url;
  const apiKey = env.apiKey ?? file.apiKey;
  if (!url || !apiKey) throw new CliError('NOT_LOGGED_IN', 'run `trainyard login --url URL` first, or set TRAINYARD_URL and TRAINYARD_API_KEY');
  return { url, apiKey };
}

/** Writes the config file readable by its owner only: it holds a team's key. */
export async function saveSettings(env: CliEnv, settings: Settings): Promise<string> {
  const file = settingsPath(env);
  await mkdir(env.configDir, { recursive: true, mode: 0o700 });
  await writeFile(file, `${JSON.stringify(settings, null, 2)}\n`, { mode: 0o600 });
  // `mode` applies only when the file is created: an older file keeps its mode otherwise.
  await chmod(file, 0o600);
  return file;
}
