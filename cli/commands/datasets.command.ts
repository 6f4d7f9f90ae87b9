import { Command, Option } from 'commander';
import { unwrap } from '../../client/src/index.ts';
import { action } from '../command-action.ts';
import { describeDataset, datasetsTable } from './dataset-view.ts';
import { uploadDatasets, type UploadOptions } from './datasets-upload.ts';

export function datasetsCommand(program: Command) {
  const datasets = program.command('datasets').description('upload, list and delete datasets');

  datasets
    .command('upload')
    .description('upload a dataset, showing the bytes sent, and print the shape the API parsed')
    .argument('<files...>', 'csv or zip: one file; idx: the images and labels files')
    .addOption(new Option('--format <format>', 'the upload format').choices(['csv', 'idx', 'image-zip']).makeOptionMandatory())
    .option('--label <column>', 'csv: the label column, by name or 0-based index (default the last)')
    .option('--task <task>', 'csv: classification (default) or regression')
    .option('--header <bool>', 'csv: whether the first row is a header (default true)')
    .option('--name <name>', 'the dataset name (default: the file name)')
    .option('--width <px>', 'image-zip: resize to this width (with --height)')
    .option('--height <px>', 'image-zip: resize to this height (with --width)')
    .option('--color <mode>', 'image-zip: grayscale or rgb')
    .action(action(async (ctx, files: string[], options: UploadOptions & { json?: boolean }) => {
      const { json: _json, ...upload } = options;
      await uploadDatasets(ctx, files, upload);
    }));

  datasets
    .command('ls')
    .description("list the team's datasets, newest first")
    .option('--limit <n>', 'how many', '50')
    .action(action(async (ctx, options: { limit: string }) => {
      const { api } = await ctx.client();
      const page = await unwrap(api.GET('/v1/datasets', { params: { query: { limit: Number(options.limit) } } }));
      ctx.out.answer(page, () => ctx.out.line(datasetsTable(page.items)));
    }));

  datasets
    .command('show')
    .description('one dataset: status, shape, classes, preprocessing')
    .argument('<id>')
    .action(action(async (ctx, id: string) => {
      const { api } = await ctx.client();
      const dataset = await unwrap(api.GET('/v1/datasets/{id}', { params: { path: { id } } }));
      ctx.out.answer(dataset, () => {
        ctx.out.line(datasetsTable([dataset]));
        ctx.out.line();
        ctx.out.line(describeDataset(dataset));
        ctx.out.line(`preprocessing: ${JSON.stringify(dataset.preprocessing)}`);
      });
    }));

  datasets
    .command('rm')
    .description('delete a dataset (refused while a run uses it)')
    .argument('<id>')
    .action(action(async (ctx, id: string) => {
      const { api } = await ctx.client();
      await unwrap(api.DELETE('/v1/datasets/{id}', { params: { path: { id } } }));
      ctx.out.answer({ id, deleted: true }, () => ctx.out.line(`deleted ${id}`));
    }));
}
