import type { Server } from 'node:http';
import request from 'supertest';
import { slowRunSpec } from '../e2e/durability-fixture.ts';

/** An experiment over the small regression MLP: learning rate and width searched. */
export function experimentBody(datasetId: string, overrides: Record<string, unknown> = {}) {
  return {
    name: 'lr-width',
    base: withValidation(slowRunSpec(datasetId, 2)),
    space: {
      'compile.optimizer.learningRate': { type: 'choice', values: [0.001, 0.01] },
      'model.layers[0].units': { type: 'choice', values: [4, 8] },
    },
    searcher: { type: 'grid' },
    metric: { name: 'val_loss', mode: 'min' },
    maxTrials: 10,
    maxConcurrentTrials: 2,
    seed: 11,
    ...overrides,
  };
}

export async function createExperiment(server: Server, auth: Record<string, string>, body: object) {
  const res = await request(server).post('/v1/experiments').set(auth).send(body);
  if (res.status !== 201) throw new Error(`create failed: ${res.status} ${JSON.stringify(res.body)}`);
  return res.body as { id: string; maxTrials: number; seed: number };
}

function withValidation<T extends { fit: object }>(spec: T): T {
  return { ...spec, fit: { ...spec.fit, validationSplit: 0.2 } };
}
