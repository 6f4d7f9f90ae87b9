import { createTrainyardClient, type TrainyardClient } from '../client/src/index.ts';
import WebSocket from 'ws';
import { readCliEnv, type CliEnv } from './config/cli-env.ts';
import { loadSettings } from './config/settings.ts';
import { createOutput, type Output } from './output/output.ts';

/** What a command runs with: its environment, its output and (once logged in) the API client. */
export interface CliContext {
  env: CliEnv;
  out: Output;
  client: () => Promise<TrainyardClient>;
}

export function cliContext(options: { json?: boolean | string }): CliContext {
  const env = readCliEnv();
  return {
    env,
    out: createOutput(options.json === true, env.noColor),
    client: async () => {
      const settings = await loadSettings(env);
      // Node 20 has no global WebSocket: the `ws` package's speaks the same interface.
      return createTrainyardClient({ baseUrl: settings.url, apiKey: settings.apiKey, webSocket: WebSocket as unknown as typeof globalThis.WebSocket });
    },
  };
}
