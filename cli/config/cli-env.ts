import os from 'node:os';
import path from 'node:path';

/**
 * What the CLI takes from its environment, read in this one place: `TRAINYARD_URL` and
 * `TRAINYARD_API_KEY` override the config file (for CI and scripts), `XDG_CONFIG_HOME` moves it,
 * `NO_COLOR` (https://no-color.org) and `TERM=dumb` turn colours off.
 */
export interface CliEnv {
  url?: string;
  apiKey?: string;
  configDir: string;
  noColor: boolean;
}

export function readCliEnv(env: NodeJS.ProcessEnv = process.env): CliEnv {
  const configHome = env.XDG_CONFIG_HOME || path.join(os.homedir(), '.config');
  return {
    url: env.TRAINYARD_URL || undefined,
    apiKey: env.TRAINYARD_API_KEY || undefined,
    configDir: path.join(configHome, 'trainyard'),
    noColor: Boolean(env.NO_COLOR) || env.TERM === 'dumb',
  };
}
