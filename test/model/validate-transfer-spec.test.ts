import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { validateTransferRunSpec } from '../../src/model/validate-transfer-spec.ts';
import { transferSpecSchema } from '../../src/spec/transfer-spec.schema.ts';
import { tinyModelFiles } from '../models/fixtures.ts';

describe('validateTransferRunSpec', () => {
  let baseDir: string;
  beforeAll(async () => {
    baseDir = await mkdtemp(path.join(os.tmpdir(), 'trainyard-base-'));
    const files = await tinyModelFiles([4, 4, 1], 1);
    await writeFile(path.join(baseDir, 'model.json'), JSON.stringify(files.modelJson));
    for (const [name, data] of files.weights) await writeFile(path.join(baseDir, name), data);
  });
  afterAll(async () => rm(baseDir, { recursive: true, force: true }));

  const transfer = transferSpecSchema.parse({ modelId: '00000000-0000-4000-8000-000000000000', popLayers: 1, replaceHead: [{ type: 'dense', units: 1 }], phases: [{ epochs: 1 }] });
  const regression = { inputShape: [4, 4, 1], targetShape: [1], numClasses: null, task: 'regression' as const };

  it('checks the metrics against the task as a layer-list run does: no accuracy on a regression dataset', async () => {
    const spec = { transfer, compile: { optimizer: { type: 'adam' as const }, loss: 'meanSquaredError' as const, metrics: ['accuracy' as const] }, fit: { epochs: 1 } };
    await expect(validateTransferRunSpec(spec as never, regression, baseDir)).rejects.toMatchObject({ code: 'VALIDATION_FAILED', details: { path: ['compile', 'metrics', 0] } });
  });

  it('summarises the combined model within the parameter budget, and refuses it over the budget', async () => {
    const spec = { transfer, compile: { optimizer: { type: 'adam' as const }, loss: 'meanSquaredError' as const, metrics: ['mae' as const] }, fit: { epochs: 1 } };
    const summary = await validateTransferRunSpec(spec as never, regression, baseDir);
    expect(summary.totalParams).toBe(16 * 3 + 3 + 3 * 1 + 1);
    await expect(validateTransferRunSpec(spec as never, regression, baseDir, 10)).rejects.toMatchObject({ code: 'MODEL_TOO_LARGE' });
  });
});
