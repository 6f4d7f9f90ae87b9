import { readFile } from 'node:fs/promises';
import { CliError } from './cli-error.ts';

/** A JSON file the user named (a run spec, instances): unreadable or malformed is their error, said plainly. */
export async function readJsonFile<T = unknown>(file: string): Promise<T> {
  let text: string;
  try {
    text = await readFile(file, 'utf8');
  } catch (err) {
    throw new CliError('FILE_NOT_FOUND', `cannot read ${file}: ${(err as NodeJS.ErrnoException).code ?? (err as Error).message}`);
  }
  try {
    return JSON.parse(text) as T;
  } catch (err) {
    throw new CliError('INVALID_JSON', `${file} is not JSON: ${(err as Error).message}`);
  }
}
