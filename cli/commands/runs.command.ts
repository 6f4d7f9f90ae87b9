import type { Command } from 'commander';
import { unwrap, type components } from '../../client/src/index.ts';
import { action } from '../command-action.ts';
import { readJsonFile } from '../read-json-file.ts';
import { downloadModel } from './run-download.ts';
import { followRun } from './run-follow.ts';
import { runLogs } from './run-logs.ts';
import { predict } from './run-predict.ts';
import { evaluationLines, metricsTable, paintStatus, runDetails, runsTable } from './run-view.ts';

type RunStatus = components['schemas']['RunStatus'];

function controlCommands(runs: Command) {
  for (const verb of ['cancel', 'pause', 'resume'] as const) {
    runs
      .command(verb)
      .description(`${verb} a run (POST /v1/runs/:id/${verb})`)
      .argument('<id>')
      .action(action(async (ctx, id: string) => {
        const { api } = await ctx.client();
        const run = await unwrap(api.POST(`/v1/runs/{id}/${verb}`, { params: { path: { id } } }));
        ctx.out.answer(run, () => ctx.out.line(`${run.id} ${paintStatus(ctx.out.colours, run.status)}`));
      }));
  }
}

function createCommand(runs: Command) {
  runs
    .command('create')
    .description('submit a run spec; --follow prints each epoch as it trains and exits with the outcome (0 completed, 2 failed, 3 canceled)')
    .requiredOption('-f, --file <spec.json>', 'the run spec (POST /v1/runs body)')
    .option('--follow', 'stream the run until it ends')
    .action(action(async (ctx, options: { file: string; follow?: boolean }) => {
      const client = await ctx.client();
      const body = await readJsonFile<components['schemas']['RunSpec']>(options.file);
      const run = await unwrap(client.api.POST('/v1/runs', { body }));
      if (!options.follow) {
        ctx.out.answer(run, () => ctx.out.line(`${run.id} ${run.status}`));
        return;
      }
      if (ctx.out.json) ctx.out.jsonLine(run);
      else ctx.out.note(`run ${run.id}`);
      process.exitCode = await followRun(ctx, client, run.id);
    }));
}

function readCommands(runs: Command) {
  runs
    .command('ls')
    .description("list the team's runs, newest first")
    .option('--status <status>', 'only runs in this status')
    .option('--limit <n>', 'how many', '50')
    .action(action(async (ctx, options: { status?: RunStatus; limit: string }) => {
      const { api } = await ctx.client();
      const page = await unwrap(api.GET('/v1/runs', { params: { query: { limit: Number(options.limit), status: options.status } } }));
      ctx.out.answer(page, () => ctx.out.line(runsTable(ctx.out.colours, page.items)));
    }));
  runs
    .command('show')
    .description('one run: status, backend, metrics, error')
    .argument('<id>')
    .action(action(async (ctx, id: string) => {
      const { api } = await ctx.client();
      const run = await unwrap(api.GET('/v1/runs/{id}', { params: { path: { id } } }));
      ctx.out.answer(run, () => runDetails(ctx.out.colours, run).forEach((l) => ctx.out.line(l)));
    }));
  runs
    .command('metrics')
    .description("every finished epoch's metrics, durations and throughput")
    .argument('<id>')
    .action(action(async (ctx, id: string) => {
      const { api } = await ctx.client();
      const metrics = await unwrap(api.GET('/v1/runs/{id}/metrics', { params: { path: { id } } }));
      ctx.out.answer(metrics, () => ctx.out.line(metricsTable(metrics.epochs)));
    }));
  runs
    .command('logs')
    .description("a run's events so far; -f follows them until the run ends")
    .argument('<id>')
    .option('-f, --follow', 'keep following')
    .action(action(async (ctx, id: string, options: { follow?: boolean }) => runLogs(ctx, id, Boolean(options.follow))));
}

function resultCommands(runs: Command) {
  runs
    .command('download')
    .description("write the trained model (model.json and its weights) into a folder")
    .argument('<id>')
    .requiredOption('-o, --output <dir>', 'the folder')
    .action(action(async (ctx, id: string, options: { output: string }) => downloadModel(ctx, { run: id }, options.output)));
  runs
    .command('predict')
    .description('ask the trained model: one image (resized to the dataset\'s inputs), or instances from a JSON file')
    .argument('<id>')
    .option('--image <file>', 'a PNG or JPEG')
    // `--json FILE` names the instances; a bare `--json` still asks for JSON output like every command.
    .option('--json [file]', 'a JSON file of instances ([[...]] or { "instances": [...] }); bare: JSON output')
    .action(action(async (ctx, id: string, options: { image?: string; json?: boolean | string }) =>
      predict(ctx, { run: id }, { image: options.image, input: typeof options.json === 'string' ? options.json : undefined })));
}

function housekeepingCommands(runs: Command) {
  runs
    .command('evaluate')
    .description("the trained model's loss, metrics and confusion matrix on another of the team's datasets of the same shape")
    .argument('<id>')
    .requiredOption('--dataset <id>', 'the dataset to evaluate on')
    .action(action(async (ctx, id: string, options: { dataset: string }) => {
      const { api } = await ctx.client();
      const evaluation = await unwrap(api.POST('/v1/runs/{id}/evaluate', { params: { path: { id } }, body: { datasetId: options.dataset } }));
      ctx.out.answer(evaluation, () => evaluationLines(evaluation).forEach((l) => ctx.out.line(l)));
    }));
  runs
    .command('rm')
    .description('delete a finished run with its metrics, checkpoints, events and files')
    .argument('<id>')
    .action(action(async (ctx, id: string) => {
      const { api } = await ctx.client();
      await unwrap(api.DELETE('/v1/runs/{id}', { params: { path: { id } } }));
      ctx.out.answer({ id, deleted: true }, () => ctx.out.line(`deleted ${id}`));
    }));
}

export function runsCommand(program: Command) {
  const runs = program.command('runs').description('submit, watch and use training runs');
  createCommand(runs);
  readCommands(runs);
  controlCommands(runs);
  resultCommands(runs);
  housekeepingCommands(runs);
}
