import * as tf from '@tensorflow/tfjs';
import type { KerasModelSpec } from '../spec/keras-spec.schema.ts';
import { MAX_PARAMS, type BuildModelOptions } from './build-model.ts';
import { kerasParamFloor } from './keras-param-floor.ts';
import { modelError, modelTooLarge } from './model-error.ts';
import { targetEncodingFor } from './target-encoding.ts';
// tfjs reads a Keras document's `gelu_new` as `geluNew` (see gelu-new.activation.ts).
import './gelu-new.activation.ts';

/**
 * Every `class_name` in a Keras document that tfjs has no class for: layers, initializers,
 * regularizers, constraints, wherever they nest. tfjs itself stops at the first unknown one;
 * listing them all lets a user see in one answer what to replace.
 */
export function unsupportedKerasClasses(doc: unknown): string[] {
  const known = tf.serialization.SerializationMap.getMap().classNameMap;
  const missing = new Set<string>();
  const visit = (node: unknown) => {
    if (Array.isArray(node)) return node.forEach(visit);
    if (!node || typeof node !== 'object') return;
    const record = node as Record<string, unknown>;
    if (typeof record.class_name === 'string' && !(record.class_name in known)) missing.add(record.class_name);
    Object.values(record).forEach(visit);
  };
  visit(doc);
  return [...missing].sort();
}

const shapeText = (shape: readonly (number | null)[]) => `[${shape.map((d) => d ?? 'None').join(', ')}]`;

/**
 * Builds the model a Keras `model.to_json()` document describes, with tfjs's own
 * deserializer (`tf.models.modelFromJSON`), then holds it to the same rules as a layer
 * list: one input of exactly the dataset's sample shape, one output that fits the targets,
 * at most MAX_PARAMS weights (refused by arithmetic before building where the configs alone
 * prove it, keras-param-floor.ts). Anything else is AppError INVALID_MODEL; the model is
 * disposed on failure, owned by the caller on success.
 */
export async function buildKerasModel(spec: KerasModelSpec, options: BuildModelOptions): Promise<tf.LayersModel> {
  const unsupported = unsupportedKerasClasses(spec.keras);
  if (unsupported.length > 0) {
    throw modelError(`tfjs cannot build these Keras classes: ${unsupported.join(', ')}`, { unsupported });
  }
  const maxParams = options.maxParams ?? MAX_PARAMS;
  const floor = kerasParamFloor(spec.keras);
  if (floor > maxParams) throw modelTooLarge(maxParams, { atLeastParams: floor });
  let model: tf.LayersModel;
  try {
    // modelFromJSON rewrites the config it is given (snake_case to camelCase); keep the spec intact.
    model = await tf.models.modelFromJSON(structuredClone(spec.keras) as unknown as tf.io.ModelJSON);
  } catch (err) {
    throw modelError(`tfjs could not build the Keras model: ${(err as Error).message}`);
  }
  try {
    if (model.inputs.length !== 1 || model.outputs.length !== 1) {
      throw modelError(`the Keras model has ${model.inputs.length} inputs and ${model.outputs.length} outputs; a run trains models with one of each`);
    }
    const input = model.inputs[0].shape.slice(1);
    if (input.length !== options.inputShape.length || input.some((d, i) => d !== options.inputShape[i])) {
      throw modelError(`the Keras model takes inputs of shape ${shapeText(input)} but the dataset's samples are ${shapeText(options.inputShape)}`, {
        modelInputShape: input,
        inputShape: options.inputShape,
      });
    }
    const params = model.countParams();
    if (params > maxParams) throw modelTooLarge(maxParams, { totalParams: params });
    const output = model.outputs[0].shape.slice(1);
    if (output.some((d) => d === null)) throw modelError(`the Keras model's output shape ${shapeText(output)} is not fully known`);
    targetEncodingFor(options, output as number[], options.loss);
    return model;
  } catch (err) {
    model.dispose();
    throw err;
  }
}
