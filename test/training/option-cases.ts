import type { z } from 'zod';
import { augmentationSpecSchema } from '../../src/spec/augmentation-spec.schema.ts';
import { callbacksSpecSchema } from '../../src/spec/callbacks-spec.schema.ts';
import { lossSchema, metricSchema, optimizerSpecSchema } from '../../src/spec/compile-spec.schema.ts';
import { activationSchema, denseLayerSchema, initializerSchema, layerSpecSchema, type LayerSpec } from '../../src/spec/layer-spec.schema.ts';
import type { RunSpecInput } from '../../src/spec/run-spec.schema.ts';
import { enumValues, isOptional, kindOf, literalOf, requiredFields, sampleValue, shapeOf, unionOptions } from './schema-options.ts';

/** One option of the run spec, set on the base spec, to be trained, checkpointed, resumed and used. */
export interface OptionCase {
  name: string;
  /** What a refusal must name (the option's value or key). */
  names: string;
  spec: RunSpecInput;
}

/** 6×6×1 images of two classes; a tiny dense net on them trains in milliseconds. */
export const IMAGE_SHAPE = [6, 6, 1];
const HIDDEN: LayerSpec = { type: 'dense', units: 4, activation: 'relu' };
const OUTPUT: LayerSpec = { type: 'dense', units: 2, activation: 'softmax' };

export const baseSpec = (layers: LayerSpec[] = [{ type: 'flatten' }, HIDDEN, OUTPUT]): RunSpecInput => ({
  datasetId: '6f1c1f8e-2b7a-4d47-9d7c-3f1f0f6f8b11',
  model: { layers },
  compile: { optimizer: { type: 'adam', learningRate: 0.01 }, loss: 'sparseCategoricalCrossentropy', metrics: ['accuracy'] },
  fit: { epochs: 2, batchSize: 8, validationSplit: 0.25, seed: 5 },
});

const withCompile = (compile: Partial<RunSpecInput['compile']>) => {
  const spec = baseSpec();
  return { ...spec, compile: { ...spec.compile, ...compile } };
};

/**
 * A tiny model around each layer type, the layer under test marked by `at`. A layer type the
 * schema gains without a model here fails the suite (see layerTypeCases), on purpose: say
 * how the new layer is used before it is offered.
 */
const conv: LayerSpec = { type: 'conv2d', filters: 2, kernelSize: 3 };
const LAYER_MODELS: Record<LayerSpec['type'], (layer: LayerSpec) => LayerSpec[]> = {
  dense: (l) => [{ type: 'flatten' }, l, OUTPUT],
  conv2d: (l) => [l, { type: 'flatten' }, OUTPUT],
  maxPooling2d: (l) => [l, { type: 'flatten' }, OUTPUT],
  averagePooling2d: (l) => [l, { type: 'flatten' }, OUTPUT],
  globalAveragePooling2d: (l) => [conv, l, OUTPUT],
  globalMaxPooling2d: (l) => [conv, l, OUTPUT],
  flatten: (l) => [l, OUTPUT],
  dropout: (l) => [{ type: 'flatten' }, l, OUTPUT],
  batchNormalization: (l) => [{ type: 'flatten' }, l, OUTPUT],
  activation: (l) => [{ type: 'flatten' }, l, OUTPUT],
  reshape: (l) => [l, OUTPUT],
  zeroPadding2d: (l) => [l, { type: 'flatten' }, OUTPUT],
  add: (l) => merge(l),
  concatenate: (l) => merge(l),
};

function merge(layer: LayerSpec): LayerSpec[] {
  return [
    { type: 'flatten', name: 'flat' },
    { type: 'dense', units: 4, name: 'left', inputs: ['flat'] },
    { type: 'dense', units: 4, name: 'right', inputs: ['flat'] },
    { ...layer, inputs: ['left', 'right'] } as LayerSpec,
    OUTPUT,
  ];
}

/** The smallest layer of each type that fits its tiny model. */
const LAYER_FILLS: Partial<Record<LayerSpec['type'], Record<string, unknown>>> = {
  dense: { units: 4 },
  conv2d: { filters: 2, kernelSize: 3 },
  reshape: { targetShape: [36] },
  dropout: { rate: 0.25 },
};

function layerOf(variant: z.ZodType, extra: Record<string, unknown> = {}): LayerSpec {
  const type = literalOf(shapeOf(variant).type) as LayerSpec['type'];
  const required = Object.fromEntries(Object.entries(requiredFields(variant)).filter(([k]) => k !== 'inputs'));
  return { ...required, ...LAYER_FILLS[type], ...extra, type } as LayerSpec;
}

export function optimizerCases(): OptionCase[] {
  return unionOptions(optimizerSpecSchema).flatMap((variant) => {
    const type = literalOf(shapeOf(variant).type);
    const flags = Object.entries(shapeOf(variant)).filter(([, s]) => kindOf(s) === 'boolean').map(([k]) => k);
    const plain = { ...requiredFields(variant), type };
    const cases = [{ name: `optimizer ${type}`, names: type, spec: withCompile({ optimizer: plain as never }) }];
    if (flags.length > 0) {
      const on = { ...plain, ...Object.fromEntries(flags.map((f) => [f, true])) };
      cases.push({ name: `optimizer ${type} with ${flags.join(', ')}`, names: type, spec: withCompile({ optimizer: on as never }) });
    }
    return cases;
  });
}

export const lossCases = (): OptionCase[] => enumValues(lossSchema).map((loss) => ({ name: `loss ${loss}`, names: loss, spec: withCompile({ loss: loss as never, metrics: [] }) }));

export const metricCases = (): OptionCase[] => enumValues(metricSchema).map((m) => ({ name: `metric ${m}`, names: m, spec: withCompile({ metrics: [m as never] }) }));

export const activationCases = (): OptionCase[] =>
  enumValues(activationSchema).map((a) => ({ name: `activation ${a}`, names: a, spec: baseSpec([{ type: 'flatten' }, { ...HIDDEN, activation: a as never }, OUTPUT]) }));

/** Every initializer, by name and in each object form, as a kernel and as a bias initializer. */
export function initializerCases(): OptionCase[] {
  const [named, forms] = unionOptions(initializerSchema);
  const values: unknown[] = [...enumValues(named), ...unionOptions(forms).map((form) => requiredFields(form))];
  // 36 units on the 36 flattened pixels: a square kernel, which `identity` needs.
  const hidden = (init: Record<string, unknown>): LayerSpec => ({ type: 'dense', units: 36, activation: 'relu', ...init });
  return values.flatMap((value) => {
    const label = typeof value === 'string' ? value : JSON.stringify(value);
    const names = typeof value === 'string' ? value : String((value as { type: string }).type);
    return (['kernelInitializer', 'biasInitializer'] as const).map((key) => ({ name: `${key} ${label}`, names, spec: baseSpec([{ type: 'flatten' }, hidden({ [key]: value }), OUTPUT]) }));
  });
}

export function regularizerCases(): OptionCase[] {
  const penalties = Object.keys(shapeOf(denseLayerSchema.shape.kernelRegularizer));
  return penalties.flatMap((p) =>
    (['kernelRegularizer', 'biasRegularizer'] as const).map((key) => ({
      name: `${key} ${p}`,
      names: p,
      spec: baseSpec([{ type: 'flatten' }, { ...HIDDEN, [key]: { [p]: 0.01 } } as LayerSpec, OUTPUT]),
    })),
  );
}

/** Every layer type, and each of its enum and boolean settings (activations have their own cases). */
export function layerTypeCases(): OptionCase[] {
  return unionOptions(layerSpecSchema).flatMap((variant) => {
    const type = literalOf(shapeOf(variant).type) as LayerSpec['type'];
    const model = LAYER_MODELS[type];
    if (!model) throw new Error(`layer type "${type}" has no tiny model in option-cases.ts LAYER_MODELS`);
    const settings = Object.entries(shapeOf(variant)).filter(([k, s]) => k !== 'activation' && (kindOf(s) === 'enum' || kindOf(s) === 'boolean'));
    const variants = settings.flatMap(([k, s]) => (kindOf(s) === 'enum' ? enumValues(s) : [true, false]).map((v) => ({ [k]: v })));
    return [{}, ...variants].map((extra) => ({
      name: `layer ${type}${Object.keys(extra).length ? ` ${JSON.stringify(extra)}` : ''}`,
      names: type,
      spec: baseSpec(model(layerOf(variant, extra))),
    }));
  });
}

/** Each callback with its defaults, then with each of its enum and boolean settings; each learning-rate schedule. */
export function callbackCases(): OptionCase[] {
  return Object.entries(shapeOf(callbacksSpecSchema)).flatMap(([key, schema]) => {
    const forms = kindOf(schema) === 'union' ? unionOptions(schema) : [schema];
    return forms.flatMap((form) => {
      const base = requiredFields(form);
      const settings = Object.entries(shapeOf(form)).filter(([k, s]) => k !== 'type' && isOptional(s) && (kindOf(s) === 'enum' || kindOf(s) === 'boolean'));
      const variants = settings.flatMap(([k, s]) => (kindOf(s) === 'enum' ? enumValues(s) : [true]).map((v) => ({ [k]: v })));
      return [{}, ...variants].map((extra) => ({
        name: `callback ${key} ${JSON.stringify({ ...base, ...extra })}`,
        names: key,
        spec: { ...baseSpec(), callbacks: { [key]: { ...base, ...extra } } },
      }));
    });
  });
}

/** Each augmentation setting alone, every fill mode among them. */
export function augmentationCases(): OptionCase[] {
  return Object.entries(shapeOf(augmentationSpecSchema)).flatMap(([key, schema]) => {
    const values = kindOf(schema) === 'enum' ? enumValues(schema) : [sampleValue(schema)];
    return values.map((v) => ({ name: `augmentation ${key} ${JSON.stringify(v)}`, names: key, spec: { ...baseSpec(), augmentation: { [key]: v } } }));
  });
}
