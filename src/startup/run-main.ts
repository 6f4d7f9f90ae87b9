import { ConfigError } from '../config/config.ts';
import { ServiceUnreachableError } from './check-services.ts';

/** A command-line mistake: printed with the usage, without a stack trace. */
export class UsageError extends Error {
  override name = 'UsageError';
}

/**
 * Runs an entry point's main function. Problems a user can fix (bad configuration,
 * unreachable services) are printed as one clear message, not a stack trace.
 */
export function runMain(name: string, main: () => Promise<void>): void {
  main().catch((err: unknown) => {
    if (err instanceof ConfigError || err instanceof ServiceUnreachableError || err instanceof UsageError) {
      console.error(`${name}: ${err.message}`);
    } else {
      console.error(`${name}: fatal error`, err);
    }
    process.exit(1);
  });
}
