import type { DatasetShape } from '../dataset-shape.ts';
import { sizeOf } from '../dataset-shape.ts';
import type { LayerSpec } from '../../spec/layer-spec.schema.ts';
import { modelError } from '../model-error.ts';

/**
 * The layers every preset ends with, chosen by the dataset's task: softmax over the classes
 * for classification, one sigmoid per label for multi-label, linear values for regression
 * (reshaped when each target is not a flat vector).
 */
export function outputLayers(dataset: DatasetShape): LayerSpec[] {
  if (dataset.task === 'classification') return [{ type: 'dense', units: dataset.numClasses ?? 2, activation: 'softmax', name: 'output' }];
  const units = sizeOf(dataset.targetShape);
  if (dataset.task === 'multilabel') return [{ type: 'dense', units, activation: 'sigmoid', name: 'output' }];
  if (dataset.targetShape.length <= 1) return [{ type: 'dense', units, activation: 'linear', name: 'output' }];
  return [
    { type: 'dense', units, activation: 'linear', name: 'output_values' },
    { type: 'reshape', targetShape: dataset.targetShape, name: 'output' },
  ];
}

/** Flattens a non-vector input so dense layers can take it. */
export const flattenIfNeeded = (dataset: DatasetShape): LayerSpec[] => (dataset.inputShape.length > 1 ? [{ type: 'flatten', name: 'flatten_input' }] : []);

/**
 * Tracks the spatial size of an image as conv and pooling layers are stacked, so a preset
 * can drop a pooling stage (or a stride) that would shrink the image below 1×1: what a user
 * expects when a net designed for 224×224 meets 28×28 digits.
 */
export class ImagePlan {
  readonly layers: LayerSpec[] = [];
  h: number;
  w: number;

  constructor(dataset: DatasetShape, preset: string) {
    const shape = dataset.inputShape;
    if (shape.length === 2) {
      // Grayscale images stored without a channel axis.
      this.layers.push({ type: 'reshape', targetShape: [shape[0], shape[1], 1], name: 'add_channel' });
    } else if (shape.length !== 3) {
      throw modelError(`preset "${preset}" needs image input [height, width, channels], the dataset's samples are [${shape.join(', ')}]; use "mlp" or "linear"`, {
        inputShape: shape,
      });
    }
    [this.h, this.w] = shape;
  }

  get min() {
    return Math.min(this.h, this.w);
  }

  /** A conv layer; `padding: 'valid'` is kept only when the kernel fits, else it becomes 'same'. */
  conv(spec: Omit<Extract<LayerSpec, { type: 'conv2d' }>, 'type' | 'kernelSize' | 'strides'> & { kernelSize: number; strides?: number }) {
    const k = spec.kernelSize;
    const s = spec.strides ?? 1;
    const padding = spec.padding === 'valid' && this.min >= k ? 'valid' : 'same';
    const out = (n: number) => (padding === 'valid' ? Math.floor((n - k) / s) + 1 : Math.ceil(n / s));
    this.h = out(this.h);
    this.w = out(this.w);
    this.layers.push({ ...spec, type: 'conv2d', padding, kernelSize: k, ...(s !== 1 ? { strides: s } : {}) });
  }

  /** A pooling layer, skipped when the image is already smaller than its window. Returns whether it was added. */
  pool(type: 'maxPooling2d' | 'averagePooling2d', size: number, stride: number, name: string): boolean {
    if (this.min < size) return false;
    this.h = Math.floor((this.h - size) / stride) + 1;
    this.w = Math.floor((this.w - size) / stride) + 1;
    this.layers.push({ type, poolSize: size, ...(stride !== size ? { strides: stride } : {}), name });
    return true;
  }

  push(...layers: LayerSpec[]) {
    this.layers.push(...layers);
  }
}

/** A filter or unit count scaled by `widthMultiplier`, never below 1. */
export const scaled = (n: number, multiplier = 1) => Math.max(1, Math.round(n * multiplier));
