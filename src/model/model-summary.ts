import type * as tf from '@tensorflow/tfjs';

export interface LayerSummary {
  name: string;
  /** tfjs/Keras class name: Dense, Conv2D, MaxPooling2D... */
  type: string;
  /** With the batch axis first, as null (Keras's `None`). */
  outputShape: (number | null)[];
  params: number;
  trainable: boolean;
  /**
   * Keras's "Connected to" column: the layers this one takes. Only on graph (functional)
   * models, whose summary starts with the InputLayer; a sequential model's layers each take
   * the previous one, and Keras shows no such column for them.
   */
  inputs?: string[];
}

export interface ModelSummary {
  layers: LayerSummary[];
  totalParams: number;
  trainableParams: number;
  nonTrainableParams: number;
}

const countOf = (weights: tf.LayerVariable[]) => weights.reduce((n, w) => n + w.shape.reduce((a: number, b) => a * (b ?? 1), 1), 0);

/** The names of the layers feeding `layer`, over every node it is called at (a shared layer has several). */
function inboundNames(layer: tf.layers.Layer): string[] {
  return [...new Set(layer.inboundNodes.flatMap((node) => node.inboundLayers.map((l) => l.name)))];
}

/** Keras's `model.summary()` as data, for the run record and the 201 of POST /v1/runs. */
export function summarizeModel(model: tf.LayersModel): ModelSummary {
  const graph = model.getClassName() !== 'Sequential';
  const layers = model.layers.map((layer) => {
    const shape = layer.outputShape;
    const first = Array.isArray(shape[0]) ? (shape[0] as (number | null)[]) : (shape as (number | null)[]);
    const row: LayerSummary = { name: layer.name, type: layer.getClassName(), outputShape: [...first], params: layer.countParams(), trainable: layer.trainable };
    if (graph) row.inputs = inboundNames(layer);
    return row;
  });
  const trainableParams = countOf(model.trainableWeights);
  const nonTrainableParams = countOf(model.nonTrainableWeights);
  return { layers, totalParams: trainableParams + nonTrainableParams, trainableParams, nonTrainableParams };
}
