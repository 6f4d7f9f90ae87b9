import type { Client } from 'openapi-fetch';
import type { paths } from './api-types.generated.ts';
import { unwrap } from './unwrap.ts';

export interface ModelFiles {
  /** tfjs's `model.json`: topology plus weights manifest, whose paths are the keys of `weights`. */
  modelJson: { modelTopology?: Record<string, unknown>; weightsManifest?: { paths?: string[] }[]; [key: string]: unknown };
  weights: Map<string, Uint8Array>;
}

/** How to read one served model: its `model.json`, then each file its manifest names beside it. */
interface ModelSource {
  modelJson: () => Promise<unknown>;
  file: (name: string) => Promise<ArrayBuffer>;
}

async function downloadModel(source: ModelSource): Promise<ModelFiles> {
  const modelJson = (await source.modelJson()) as ModelFiles['modelJson'];
  const weights = new Map<string, Uint8Array>();
  for (const file of (modelJson.weightsManifest ?? []).flatMap((group) => group.paths ?? [])) {
    weights.set(file, new Uint8Array(await source.file(file)));
  }
  return { modelJson, weights };
}

/** A run's trained model as files: `model.json` and every weights file its manifest names. */
export function downloadRunModel(api: Client<paths>, runId: string): Promise<ModelFiles> {
  const path = { id: runId };
  return downloadModel({
    modelJson: () => unwrap(api.GET('/v1/runs/{id}/model/model.json', { params: { path } })),
    file: (file) => unwrap(api.GET('/v1/runs/{id}/model/{file}', { params: { path: { ...path, file } }, parseAs: 'arrayBuffer' })),
  });
}

/** The best finished trial's model of an experiment, as files. */
export function downloadBestModel(api: Client<paths>, experimentId: string): Promise<ModelFiles> {
  const path = { id: experimentId };
  return downloadModel({
    modelJson: () => unwrap(api.GET('/v1/experiments/{id}/best/model/model.json', { params: { path } })),
    file: (file) => unwrap(api.GET('/v1/experiments/{id}/best/model/{file}', { params: { path: { ...path, file } }, parseAs: 'arrayBuffer' })),
  });
}
