import sharp from 'sharp';
import { unwrap, type components, type TrainyardClient } from '../../client/src/index.ts';
import { CliError } from '../cli-error.ts';
import type { CliContext } from '../context.ts';
import { readJsonFile } from '../read-json-file.ts';
import { formatNumber } from '../output/format.ts';

type PredictRequest = components['schemas']['PredictRequest'];
type Prediction = components['schemas']['Prediction'];

/**
 * An image as the run's dataset stores its inputs: resized to its height×width, in its channel
 * count, as raw uint8 values (the API applies the dataset's scaling itself). Sent as one flat
 * tensor, which spares a number-by-number JSON walk.
 */
async function imageRequest(client: TrainyardClient, runId: string, file: string): Promise<PredictRequest> {
  const run = await unwrap(client.api.GET('/v1/runs/{id}', { params: { path: { id: runId } } }));
  const dataset = await unwrap(client.api.GET('/v1/datasets/{id}', { params: { path: { id: run.datasetId } } }));
  const [height, width, channels] = dataset.inputShape;
  if (dataset.inputShape.length !== 3 || (channels !== 1 && channels !== 3)) {
    throw new CliError('NOT_AN_IMAGE_MODEL', `the run's dataset has inputs of shape [${dataset.inputShape.join(', ')}], not images: use --json FILE`);
  }
  const image = sharp(file).resize(width, height, { fit: 'fill' });
  const { data, info } = await (channels === 1 ? image.toColourspace('b-w') : image.removeAlpha().toColourspace('srgb'))
    .raw()
    .toBuffer({ resolveWithObject: true })
    .catch((err: Error) => {
      throw new CliError('INVALID_IMAGE', `cannot decode ${file}: ${err.message}`);
    });
  if (info.channels !== channels) throw new CliError('INVALID_IMAGE', `${file} decoded to ${info.channels} channels, the model takes ${channels}`);
  return { tensor: { dtype: 'uint8', shape: [1, height, width, channels], data: data.toString('base64') } };
}

/** `--json FILE`: `{ "instances": [...] }` as the API takes it, or a bare array of instances. */
async function jsonRequest(file: string): Promise<PredictRequest> {
  const body = await readJsonFile(file);
  return (Array.isArray(body) ? { instances: body } : body) as PredictRequest;
}

const predictionText = (p: Prediction) => {
  if ('className' in p) return `${p.className}  p=${formatNumber(p.probabilities[p.classIndex])}`;
  if ('labels' in p) return `labels: ${p.labels.join(', ') || '(none)'}`;
  return p.value.map(formatNumber).join(' ');
};

/** Who answers: a run's model, or an experiment's best trial's (served at `/best/predict`). */
export type PredictTarget = { run: string } | { bestOf: string };

/** The run whose dataset shapes an image: the run itself, or the experiment's best run. */
async function targetRunId(client: TrainyardClient, target: PredictTarget): Promise<string> {
  if ('run' in target) return target.run;
  const experiment = await unwrap(client.api.GET('/v1/experiments/{id}', { params: { path: { id: target.bestOf } } }));
  if (!experiment.bestRunId) throw new CliError('NO_MODEL', `experiment ${target.bestOf} has no finished trial yet`);
  return experiment.bestRunId;
}

function ask(client: TrainyardClient, target: PredictTarget, body: PredictRequest) {
  return 'run' in target
    ? unwrap(client.api.POST('/v1/runs/{id}/predict', { params: { path: { id: target.run } }, body }))
    : unwrap(client.api.POST('/v1/experiments/{id}/best/predict', { params: { path: { id: target.bestOf } }, body }));
}

export async function predict(ctx: CliContext, target: PredictTarget, options: { image?: string; input?: string }): Promise<void> {
  if (Boolean(options.image) === Boolean(options.input)) throw new CliError('INVALID_ARGUMENTS', 'give one of --image FILE or --json FILE');
  const client = await ctx.client();
  const body = options.image ? await imageRequest(client, await targetRunId(client, target), options.image) : await jsonRequest(options.input!);
  const answer = await ask(client, target, body);
  ctx.out.answer(answer, () => answer.predictions.forEach((p) => ctx.out.line(predictionText(p))));
}
