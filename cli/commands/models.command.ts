import type { Command } from 'commander';
import { unwrap, type BaseModel } from '../../client/src/index.ts';
import { action } from '../command-action.ts';
import { formatBytes, formatShape, formatTime } from '../output/format.ts';
import { formatTable } from '../output/table.ts';
import { uploadModel } from './models-upload.ts';

const modelsTable = (models: BaseModel[]) =>
  formatTable(
    ['ID', 'NAME', 'FORMAT', 'INPUT', 'SIZE', 'CREATED'],
    models.map((m) => [m.id, m.name, m.format, formatShape(m.inputShape), formatBytes(m.bytes), formatTime(m.createdAt)]),
  );

/** One row of the model's summary, as `GET /v1/models/:id` carries it (the spec types it loosely). */
interface SummaryLayer {
  name: string;
  type: string;
  outputShape: (number | null)[];
  params: number;
}

/** The layer summary `transfer.popLayers` / `freezeUpTo` count and name. */
const layersTable = (model: BaseModel) =>
  formatTable(
    ['#', 'LAYER', 'TYPE', 'OUTPUT', 'PARAMS'],
    ((model.summary as { layers?: SummaryLayer[] }).layers ?? []).map((l, i) => [String(i), l.name, l.type, formatShape(l.outputShape), String(l.params)]),
  );

export function modelsCommand(program: Command) {
  const models = program.command('models').description('base models for transfer learning');
  models
    .command('upload')
    .description('upload a tfjs layers model: model.json and its weights files (default: the ones its manifest names, beside it)')
    .argument('<model.json>')
    .argument('[weights...]')
    .option('--name <name>', 'the model name')
    .action(action(async (ctx, modelJson: string, weights: string[], options: { name?: string }) => uploadModel(ctx, modelJson, weights, options.name)));
  models
    .command('ls')
    .description("list the team's base models, newest first")
    .option('--limit <n>', 'how many', '50')
    .action(action(async (ctx, options: { limit: string }) => {
      const { api } = await ctx.client();
      const page = await unwrap(api.GET('/v1/models', { params: { query: { limit: Number(options.limit) } } }));
      ctx.out.answer(page, () => ctx.out.line(modelsTable(page.items)));
    }));
  models
    .command('show')
    .description('one base model with its layers')
    .argument('<id>')
    .action(action(async (ctx, id: string) => {
      const { api } = await ctx.client();
      const model = await unwrap(api.GET('/v1/models/{id}', { params: { path: { id } } }));
      ctx.out.answer(model, () => {
        ctx.out.line(modelsTable([model]));
        ctx.out.line();
        ctx.out.line(layersTable(model));
      });
    }));
  models
    .command('rm')
    .description('delete a base model (refused while a run uses it)')
    .argument('<id>')
    .action(action(async (ctx, id: string) => {
      const { api } = await ctx.client();
      await unwrap(api.DELETE('/v1/models/{id}', { params: { path: { id } } }));
      ctx.out.answer({ id, deleted: true }, () => ctx.out.line(`deleted ${id}`));
    }));
}
