import { Command } from 'commander';
import { datasetsCommand } from './commands/datasets.command.ts';
import { experimentsCommand } from './commands/experiments.command.ts';
import { loginCommand } from './commands/login.command.ts';
import { modelsCommand } from './commands/models.command.ts';
import { runsCommand } from './commands/runs.command.ts';
import { workersCommand } from './commands/workers.command.ts';

/** Every command that does something (not a group such as `runs`), so each gets `--json`. */
const leaves = (command: Command): Command[] => (command.commands.length ? command.commands.flatMap(leaves) : [command]);

export function buildProgram(): Command {
  const program = new Command('trainyard')
    .description('Train TensorFlow.js models on a Trainyard server: datasets, runs, base models, experiments, workers')
    .version('0.1.0')
    .showHelpAfterError();
  loginCommand(program);
  datasetsCommand(program);
  runsCommand(program);
  modelsCommand(program);
  experimentsCommand(program);
  workersCommand(program);
  for (const command of leaves(program)) {
    // `runs predict` declares its own `--json [file]`.
    if (!command.options.some((o) => o.long === '--json')) command.option('--json', 'print JSON for scripts (streams: one JSON object per line)');
  }
  return program;
}
