/** The `trainyard` CLI (bin: cli/bin/trainyard.mjs). Commands report their own failures and set the exit status. */
import { buildProgram } from './program.ts';

await buildProgram().parseAsync(process.argv);
