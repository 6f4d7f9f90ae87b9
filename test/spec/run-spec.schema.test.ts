import { describe, expect, it } from 'vitest';
import { runSpecSchema, type RunSpecInput } from '../../src/spec/run-spec.schema.ts';

const good: RunSpecInput = {
  datasetId: '6f1c1f8e-2b7a-4d47-9d7c-3f1f0f6f8b11',
  model: {
    layers: [
      { type: 'conv2d', filters: 8, kernelSize: 3, activation: 'relu', padding: 'same', name: 'conv1' },
      { type: 'maxPooling2d', poolSize: [2, 2] },
      { type: 'batchNormalization' },
      { type: 'dropout', rate: 0.25 },
      { type: 'flatten' },
      { type: 'dense', units: 10, activation: 'softmax', kernelRegularizer: { l2: 0.001 } },
    ],
  },
  compile: { optimizer: { type: 'momentum', learningRate: 0.01, momentum: 0.9, useNesterov: true }, loss: 'categoricalCrossentropy', metrics: ['accuracy'] },
  fit: { epochs: 5 },
};

/** The paths of the issues zod reports for `spec`, joined with dots. */
function issuePaths(spec: unknown): string[] {
  const result = runSpecSchema.safeParse(spec);
  expect(result.success).toBe(false);
  return result.error!.issues.map((i) => i.path.join('.'));
}

describe('runSpecSchema', () => {
  it('accepts a good spec and fills the defaults', () => {
    const spec = runSpecSchema.parse(good);
    expect(spec.fit).toEqual({ epochs: 5, batchSize: 32, validationSplit: 0, testSplit: 0, shuffle: true });
    expect(spec.priority).toBe(50);
  });

  it('accepts every optimizer with its own settings', () => {
    const optimizers = [
      { type: 'sgd' },
      { type: 'adam', beta1: 0.9, beta2: 0.999, epsilon: 1e-7 },
      { type: 'rmsprop', decay: 0.9, momentum: 0.1, centered: true },
      { type: 'adagrad', initialAccumulatorValue: 0.1 },
      { type: 'adadelta', rho: 0.95 },
      { type: 'adamax', decay: 0 },
    ];
    for (const optimizer of optimizers) expect(runSpecSchema.safeParse({ ...good, compile: { ...good.compile, optimizer } }).success).toBe(true);
  });

  it('rejects unknown keys at every level, naming them', () => {
    expect(runSpecSchema.safeParse({ ...good, extra: 1 }).success).toBe(false);
    expect(issuePaths({ ...good, compile: { ...good.compile, optimizer: { type: 'sgd', momentum: 0.9 } } })).toEqual(['compile.optimizer']);
    const typo = { ...good, model: { layers: [{ type: 'dense', unit: 3 }] } };
    expect(runSpecSchema.safeParse(typo).error!.issues.some((i) => i.path.join('.').startsWith('model.layers.0'))).toBe(true);
  });

  it('rejects bad values with their paths', () => {
    expect(issuePaths({ ...good, datasetId: 'nope' })).toEqual(['datasetId']);
    expect(issuePaths({ ...good, fit: { epochs: 0 } })).toEqual(['fit.epochs']);
    expect(issuePaths({ ...good, fit: { epochs: 1, batchSize: 10_000 } })).toEqual(['fit.batchSize']);
    expect(issuePaths({ ...good, fit: { epochs: 1, validationSplit: 1 } })).toContain('fit.validationSplit');
    expect(issuePaths({ ...good, priority: 101 })).toEqual(['priority']);
    expect(issuePaths({ ...good, compile: { ...good.compile, loss: 'crossEntropy' } })).toEqual(['compile.loss']);
    expect(issuePaths({ ...good, compile: { ...good.compile, optimizer: { type: 'adam', learningRate: -1 } } })).toEqual(['compile.optimizer.learningRate']);
    expect(issuePaths({ ...good, compile: { ...good.compile, optimizer: { type: 'adam', learningRate: Infinity } } })).toEqual(['compile.optimizer.learningRate']);
    expect(issuePaths({ ...good, compile: { ...good.compile, optimizer: { type: 'adam', learningRate: NaN } } })).toEqual(['compile.optimizer.learningRate']);
    expect(issuePaths({ ...good, model: { layers: [{ type: 'dense', units: 70_000 }] } })).toEqual(['model.layers.0.units']);
    expect(issuePaths({ ...good, model: { layers: [{ type: 'dropout', rate: 1 }] } })).toEqual(['model.layers.0.rate']);
    expect(issuePaths({ ...good, model: { layers: [{ type: 'conv2d', filters: 4, kernelSize: 65 }] } })).toEqual(['model.layers.0.kernelSize']);
    expect(issuePaths({ ...good, model: { layers: [{ type: 'dense', units: 2, activation: 'leakyRelu' }] } })).toEqual(['model.layers.0.activation']);
    expect(issuePaths({ ...good, model: { layers: [{ type: 'lstm', units: 2 }] } })).toEqual(['model.layers.0.type']);
    expect(issuePaths({ ...good, model: { layers: [] } })).toEqual(['model.layers']);
  });

  it('rejects duplicate layer names at the second one', () => {
    const layers = [
      { type: 'dense', units: 4, name: 'hidden' },
      { type: 'dense', units: 2, name: 'hidden' },
    ];
    expect(issuePaths({ ...good, model: { layers } })).toEqual(['model.layers.1.name']);
  });
});
