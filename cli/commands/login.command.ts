import { createInterface } from 'node:readline/promises';
import type { Command } from 'commander';
import { createTrainyardClient, unwrap } from '../../client/src/index.ts';
import { action } from '../command-action.ts';
import { CliError } from '../cli-error.ts';
import { saveSettings } from '../config/settings.ts';

/** The key from --key, TRAINYARD_API_KEY, or a line of stdin (prompted for on a terminal). */
async function readKey(given: string | undefined, fromEnv: string | undefined): Promise<string> {
  if (given ?? fromEnv) return (given ?? fromEnv)!;
  const rl = createInterface({ input: process.stdin, output: process.stderr, terminal: false });
  try {
    if (process.stdin.isTTY) process.stderr.write('API key: ');
    for await (const line of rl) if (line.trim()) return line.trim();
  } finally {
    rl.close();
  }
  throw new CliError('NO_API_KEY', 'no API key: pass --key, set TRAINYARD_API_KEY or type it on stdin');
}

export function loginCommand(program: Command) {
  program
    .command('login')
    .description('store the API address and your key in the config file (mode 0600), after checking them')
    .requiredOption('--url <url>', 'the API, e.g. http://127.0.0.1:3000')
    .option('--key <key>', 'the API key (default: TRAINYARD_API_KEY, else read from stdin)')
    .action(
      action(async (ctx, options: { url: string; key?: string }) => {
        const settings = { url: options.url.replace(/\/+$/, ''), apiKey: await readKey(options.key, ctx.env.apiKey) };
        // A wrong address or key is better refused now than on the first real command.
        await unwrap(createTrainyardClient({ baseUrl: settings.url, apiKey: settings.apiKey }).api.GET('/v1/datasets', { params: { query: { limit: 1 } } }));
        const file = await saveSettings(ctx.env, settings);
        ctx.out.answer({ url: settings.url, configFile: file }, () => ctx.out.line(`logged in to ${settings.url} (saved in ${file})`));
      }),
    );
}
