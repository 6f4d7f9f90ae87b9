import type { Command } from 'commander';
import { unwrap, type components } from '../../client/src/index.ts';
import { action } from '../command-action.ts';
import { readJsonFile } from '../read-json-file.ts';
import { formatNumber } from '../output/format.ts';
import { formatTable } from '../output/table.ts';

type Experiment = components['schemas']['Experiment'];
type Trial = components['schemas']['Trial'];

function experimentLines(e: Experiment): string[] {
  const counts = Object.entries(e.trials).filter(([, n]) => n > 0).map(([state, n]) => `${n} ${state}`).join(', ');
  return [
    `${e.id} ${e.name}: ${e.status}, trials ${counts || 'none yet'} (of ${e.maxTrials})`,
    `best: ${e.bestRunId ? `run ${e.bestRunId}, ${e.metric.name} ${formatNumber(e.bestMetric)}` : '-'}`,
  ];
}

/** One row per trial; the sampled values of every space path as columns. */
function trialsTable(trials: Trial[]): string {
  const paths = [...new Set(trials.flatMap((t) => Object.keys(t.values)))];
  return formatTable(
    ['#', 'STATE', 'RUN', ...paths, 'RUNG', 'METRIC'],
    trials.map((t) => [String(t.index), t.state, t.runId, ...paths.map((p) => String(t.values[p] ?? '-')), String(t.rung), formatNumber(t.metric)]),
  );
}

export function experimentsCommand(program: Command) {
  const experiments = program.command('experiments').description('hyperparameter searches whose trials are runs');
  experiments
    .command('create')
    .description('start a search from a spec file (POST /v1/experiments body)')
    .requiredOption('-f, --file <experiment.json>', 'the experiment spec')
    .action(action(async (ctx, options: { file: string }) => {
      const { api } = await ctx.client();
      const body = await readJsonFile<components['schemas']['CreateExperiment']>(options.file);
      const experiment = await unwrap(api.POST('/v1/experiments', { body }));
      ctx.out.answer(experiment, () => ctx.out.line(`${experiment.id} ${experiment.status}`));
    }));
  experiments
    .command('show')
    .description('a search, its best trial and the table of its trials')
    .argument('<id>')
    .action(action(async (ctx, id: string) => {
      const { api } = await ctx.client();
      const path = { id };
      const [experiment, { trials }] = await Promise.all([
        unwrap(api.GET('/v1/experiments/{id}', { params: { path } })),
        unwrap(api.GET('/v1/experiments/{id}/trials', { params: { path } })),
      ]);
      ctx.out.answer({ ...experiment, trialList: trials }, () => {
        experimentLines(experiment).forEach((l) => ctx.out.line(l));
        ctx.out.line();
        ctx.out.line(trialsTable(trials));
      });
    }));
}
