import type { Client } from 'openapi-fetch';
import type { paths } from './api-types.generated.ts';
import { unwrap } from './unwrap.ts';

export interface ModelFiles {
  /** tfjs's `model.json`: topology plus weights manifest, whose paths are the keys of `weights`. */
  modelJson: { modelTopology?: Record<string, unknown>; weightsManifest?: { paths?: string[] }[]; [key: string]: unknown };
  weights: Map<string, Uint8Array>;
}

/** A run's trained model as files: `model.json` and every weights file its manifest names. */
export async function downloadRunModel(api: Client<paths>, runId: string): Promise<ModelFiles> {
  const path = { id: runId };
  const modelJson = (await unwrap(api.GET('/v1/runs/{id}/model/model.json', { params: { path } }))) as ModelFiles['modelJson'];
  const weights = new Map<string, Uint8Array>();
  for (const file of (modelJson.weightsManifest ?? []).flatMap((group) => group.paths ?? [])) {
    const bytes = await unwrap(api.GET('/v1/runs/{id}/model/{file}', { params: { path: { ...path, file } }, parseAs: 'arrayBuffer' }));
    weights.set(file, new Uint8Array(bytes));
  }
  return { modelJson, weights };
}
