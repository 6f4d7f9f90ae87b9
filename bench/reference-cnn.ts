import type { CompileSpec } from '../src/spec/compile-spec.schema.ts';
import type { ModelSpec } from '../src/spec/layer-spec.schema.ts';

/**
 * The reference CNN of the training-engine issue, as a run spec: the same model a PyTorch
 * user would write for (Fashion-)MNIST, so samples/s and accuracy compare with theirs.
 */
export const REFERENCE_MODEL: ModelSpec = {
  layers: [
    { type: 'conv2d', filters: 32, kernelSize: 3, activation: 'relu' },
    { type: 'maxPooling2d', poolSize: 2 },
    { type: 'conv2d', filters: 64, kernelSize: 3, activation: 'relu' },
    { type: 'maxPooling2d', poolSize: 2 },
    { type: 'flatten' },
    { type: 'dense', units: 128, activation: 'relu' },
    { type: 'dropout', rate: 0.5 },
    { type: 'dense', units: 10, activation: 'softmax' },
  ],
};

export const REFERENCE_COMPILE: CompileSpec = {
  optimizer: { type: 'adam', learningRate: 0.001 },
  loss: 'categoricalCrossentropy',
  metrics: ['accuracy'],
};

export const REFERENCE_BATCH_SIZE = 64;

/**
 * The reference CNN with batch normalisation after each convolution: the shape the engine is
 * slowest on against PyTorch, so the GPU check compares it too.
 */
export const BN_MODEL: ModelSpec = {
  layers: [
    { type: 'conv2d', filters: 32, kernelSize: 3 },
    { type: 'batchNormalization' },
    { type: 'activation', activation: 'relu' },
    { type: 'maxPooling2d', poolSize: 2 },
    { type: 'conv2d', filters: 64, kernelSize: 3 },
    { type: 'batchNormalization' },
    { type: 'activation', activation: 'relu' },
    { type: 'maxPooling2d', poolSize: 2 },
    { type: 'flatten' },
    { type: 'dense', units: 128, activation: 'relu' },
    { type: 'dropout', rate: 0.5 },
    { type: 'dense', units: 10, activation: 'softmax' },
  ],
};

/** The models the training benchmarks take by name (`--model`). */
export const BENCH_MODELS: Record<string, ModelSpec> = { reference: REFERENCE_MODEL, bn: BN_MODEL };
