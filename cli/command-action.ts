import type { Command } from 'commander';
import { cliContext, type CliContext } from './context.ts';
import { reportError } from './output/report-error.ts';
import { readCliEnv } from './config/cli-env.ts';

/**
 * A commander action with the command's context, whose failures are reported the one way
 * (the API's code and message, exit status 1) instead of as a stack trace. Commands that end
 * with an outcome (a followed run) set `process.exitCode` themselves.
 */
export function action<Args extends unknown[]>(run: (ctx: CliContext, ...args: Args) => Promise<void>) {
  return async (...args: unknown[]) => {
    const command = args.at(-1) as Command;
    const ctx = cliContext(command.opts());
    try {
      await run(ctx, ...(args.slice(0, -1) as Args));
    } catch (err) {
      process.exitCode = reportError(err, ctx.out, readCliEnv().url);
    }
  };
}
