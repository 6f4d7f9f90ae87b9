import { TrainyardApiError } from '../../client/src/index.ts';
import { CliError } from '../cli-error.ts';
import type { Output } from './output.ts';

/**
 * Prints why a command failed, as the API said it (code and message, details when there are
 * some), and answers the exit status: 1. With --json the envelope goes to stdout as well, so a
 * script reads the failure where it reads answers.
 */
export function reportError(err: unknown, out: Output, url?: string): number {
  const { code, message, details } = describe(err, url);
  if (out.json) process.stdout.write(`${JSON.stringify({ error: { code, message, details } }, null, 2)}\n`);
  const detail = details === undefined || details === null ? '' : `\n${JSON.stringify(details, null, 2)}`;
  process.stderr.write(`${out.errorColours.red('error')} ${code}: ${message}${detail}\n`);
  return 1;
}

function describe(err: unknown, url?: string): { code: string; message: string; details?: unknown } {
  if (err instanceof TrainyardApiError) return { code: err.code, message: err.message, details: err.details };
  if (err instanceof CliError) return { code: err.code, message: err.message };
  const cause = (err as { cause?: { code?: string; message?: string } }).cause;
  // fetch throws a bare "fetch failed" with the socket's reason in `cause`.
  if (err instanceof TypeError && cause) return { code: 'UNREACHABLE', message: `cannot reach ${url ?? 'the API'}: ${cause.code ?? cause.message}` };
  return { code: 'CLI_FAILED', message: (err as Error).message ?? String(err) };
}
