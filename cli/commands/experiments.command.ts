import { followExperiment } from './experiment-follow.ts';
import type { Command } from 'commander';
import { unwrap, type components } from '../../client/src/index.ts';
import { action } from '../command-action.ts';
import type { CliContext } from '../context.ts';
import { readJsonFile } from '../read-json-file.ts';
import { experimentLines, experimentsTable, trialsTable } from './experiment-view.ts';
import { experimentOutcome, waitForExperiment } from './experiment-wait.ts';
import { downloadModel } from './run-download.ts';
import { predict } from './run-predict.ts';

/** `experiments show`: the summary, its best trial and the trials table (`trialList` with --json). */
async function showExperiment(ctx: CliContext, id: string, wait: boolean): Promise<void> {
  const client = await ctx.client();
  const path = { id };
  const ended = wait ? await waitForExperiment(ctx, client, id) : undefined;
  const [experiment, { trials }] = await Promise.all([
    ended ?? unwrap(client.api.GET('/v1/experiments/{id}', { params: { path } })),
    unwrap(client.api.GET('/v1/experiments/{id}/trials', { params: { path } })),
  ]);
  ctx.out.answer({ ...experiment, trialList: trials }, () => {
    experimentLines(experiment).forEach((l) => ctx.out.line(l));
    ctx.out.line();
    ctx.out.line(trialsTable(trials));
  });
  if (ended) process.exitCode = experimentOutcome(ended);
}

function readCommands(experiments: Command) {
  experiments
    .command('create')
    .description('start a search from a spec file (POST /v1/experiments body); --wait stays until it ends (exit 0 completed, 3 canceled)')
    .requiredOption('-f, --file <experiment.json>', 'the experiment spec')
    .option('--wait', 'wait for the search to end, then show its trials')
    .action(action(async (ctx, options: { file: string; wait?: boolean }) => {
      const { api } = await ctx.client();
      const body = await readJsonFile<components['schemas']['CreateExperiment']>(options.file);
      const experiment = await unwrap(api.POST('/v1/experiments', { body }));
      if (options.wait) return showExperiment(ctx, experiment.id, true);
      ctx.out.answer(experiment, () => ctx.out.line(`${experiment.id} ${experiment.status}`));
    }));
  experiments
    .command('ls')
    .description("list the team's searches, newest first (the latest 200)")
    .action(action(async (ctx) => {
      const { api } = await ctx.client();
      const page = await unwrap(api.GET('/v1/experiments'));
      ctx.out.answer(page, () => ctx.out.line(experimentsTable(page.items)));
    }));
  experiments
    .command('show')
    .description('a search, its best trial and the table of its trials')
    .argument('<id>')
    .option('--wait', 'wait for the search to end first (exit 0 completed, 3 canceled)')
    .option('--follow', 'print its trial events as rows until it ends (exit 0 completed, 3 canceled)')
    .action(action(async (ctx, id: string, options: { wait?: boolean; follow?: boolean }) => {
      if (options.follow) return void (process.exitCode = await followExperiment(ctx, await ctx.client(), id));
      return showExperiment(ctx, id, Boolean(options.wait));
    }));
}

function controlCommands(experiments: Command) {
  for (const verb of ['cancel', 'pause', 'resume'] as const) {
    experiments
      .command(verb)
      .description(`${verb} a search and its unfinished trials (POST /v1/experiments/:id/${verb})`)
      .argument('<id>')
      .action(action(async (ctx, id: string) => {
        const { api } = await ctx.client();
        const experiment = await unwrap(api.POST(`/v1/experiments/{id}/${verb}`, { params: { path: { id } } }));
        ctx.out.answer(experiment, () => ctx.out.line(`${experiment.id} ${experiment.status}`));
      }));
  }
  experiments
    .command('extend')
    .description('raise the trial budget (or ASHA\'s maxEpochs): a finished search continues, its trials kept')
    .argument('<id>')
    .option('--max-trials <n>', 'the new trial budget')
    .option('--max-epochs <n>', 'asha: the new maxEpochs')
    .action(action(async (ctx, id: string, options: { maxTrials?: string; maxEpochs?: string }) => {
      const { api } = await ctx.client();
      const body = { maxTrials: options.maxTrials === undefined ? undefined : Number(options.maxTrials), maxEpochs: options.maxEpochs === undefined ? undefined : Number(options.maxEpochs) };
      const experiment = await unwrap(api.POST('/v1/experiments/{id}/extend', { params: { path: { id } }, body }));
      ctx.out.answer(experiment, () => experimentLines(experiment).forEach((l) => ctx.out.line(l)));
    }));
  experiments
    .command('rm')
    .description('delete a search once nothing of it runs (its runs stay)')
    .argument('<id>')
    .action(action(async (ctx, id: string) => {
      const { api } = await ctx.client();
      await unwrap(api.DELETE('/v1/experiments/{id}', { params: { path: { id } } }));
      ctx.out.answer({ id, deleted: true }, () => ctx.out.line(`deleted ${id}`));
    }));
}

function bestModelCommands(experiments: Command) {
  experiments
    .command('download')
    .description("write the best trial's model (model.json and its weights) into a folder")
    .argument('<id>')
    .requiredOption('-o, --output <dir>', 'the folder')
    .action(action(async (ctx, id: string, options: { output: string }) => downloadModel(ctx, { bestOf: id }, options.output)));
  experiments
    .command('predict')
    .description("ask the best trial's model: one image, or instances from a JSON file")
    .argument('<id>')
    .option('--image <file>', 'a PNG or JPEG')
    .option('--json [file]', 'a JSON file of instances ([[...]] or { "instances": [...] }); bare: JSON output')
    .action(action(async (ctx, id: string, options: { image?: string; json?: boolean | string }) =>
      predict(ctx, { bestOf: id }, { image: options.image, input: typeof options.json === 'string' ? options.json : undefined })));
}

export function experimentsCommand(program: Command) {
  const experiments = program.command('experiments').description('hyperparameter searches whose trials are runs');
  readCommands(experiments);
  controlCommands(experiments);
  bestModelCommands(experiments);
}
