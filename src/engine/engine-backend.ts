import * as tf from '@tensorflow/tfjs';
import { nativeAvgPool, nativeAvgPoolGrad } from './kernels/avg-pool.kernel.ts';
import { nativeBatchMatMul, nativeFusedMatMul } from './kernels/batch-mat-mul.kernel.ts';
import { nativeFusedBatchNorm } from './kernels/batch-norm.kernel.ts';
import { registerFusedBatchNormGradient } from './kernels/batch-norm-grad.kernel.ts';
import { registerConv2DTrainingGradient } from './kernels/conv2d-training.kernel.ts';
import { CONV2D_TRAINING_KERNEL } from '../model/trainable-conv2d.layer.ts';
import { nativeBatchNormTraining, registerBatchNormTrainingGradient } from './kernels/batch-norm-training.kernel.ts';
import { BATCH_NORM_TRAINING_KERNEL } from '../model/batch-normalization.layer.ts';
import { nativeReluGrad, registerReluGradient, RELU_GRAD_KERNEL } from './kernels/relu-grad.kernel.ts';
import { nativeOptimizerStep, OPTIMIZER_STEP_KERNEL } from './kernels/optimizer-step.kernel.ts';
import { engineCast, engineFill, engineFillLike, engineLogicalAnd } from './kernels/cast.kernel.ts';
import { COMPARE_OPS, nativeClip, nativeCompare, nativeSelect } from './kernels/compare.kernel.ts';
import { nativeArgMax, nativeSoftmax } from './kernels/softmax.kernel.ts';
import { BINARY_OPS, nativeBinary } from './kernels/binary.kernel.ts';
import { nativeConv2dBackpropFilter } from './kernels/conv2d-backprop-filter.kernel.ts';
import { nativeConv2dBackpropInput } from './kernels/conv2d-backprop-input.kernel.ts';
import { nativeConv2d } from './kernels/conv2d.kernel.ts';
import { nativeFusedConv2d } from './kernels/fused-conv2d.kernel.ts';
import { nativeMaxPoolGrad } from './kernels/max-pool-grad.kernel.ts';
import { nativeMaxPool } from './kernels/max-pool.kernel.ts';
import { nativeReduce } from './kernels/sum.kernel.ts';
import { nativeEluGrad } from './kernels/elu-grad.kernel.ts';
import { engineConcat, enginePack, enginePad, engineSlice, engineSplitV } from './kernels/data-movement.kernel.ts';
import { nativeTile } from './kernels/tile.kernel.ts';
import { nativeUnary, UNARY_OPS } from './kernels/unary.kernel.ts';
import type { NativeEngine } from './native-engine.ts';
import { countedFallback } from './fallback-stats.ts';

/** The tfjs backend name of Trainyard's engine (TRAIN_BACKEND=engine). */
export const ENGINE_BACKEND = 'engine';

/** The kernels the engine runs natively; every other kernel is tfjs's cpu backend's own. */
export const NATIVE_KERNELS = [
  tf.Conv2D,
  tf.FusedConv2D,
  tf.Conv2DBackpropFilter,
  tf.Conv2DBackpropInput,
  tf.MaxPool,
  tf.MaxPoolGrad,
  tf.AvgPool,
  tf.AvgPoolGrad,
  tf.FusedBatchNorm,
  tf.Tile,
  tf.Mean,
  tf.Max,
  tf.EluGrad,
  tf.Pack,
  tf.Concat,
  tf.Slice,
  tf.SplitV,
  tf.PadV2,
  tf.Softmax,
  tf.ArgMax,
  tf.ClipByValue,
  tf.Select,
  tf.Cast,
  tf.ZerosLike,
  tf.OnesLike,
  tf.LogicalAnd,
  tf.Fill,
  ...(Object.keys(COMPARE_OPS) as (keyof typeof COMPARE_OPS)[]),
  tf.BatchMatMul,
  tf._FusedMatMul,
  ...(Object.keys(BINARY_OPS) as (keyof typeof BINARY_OPS)[]),
  ...(Object.keys(UNARY_OPS) as (keyof typeof UNARY_OPS)[]),
  tf.Sum,
];

/** Kernels of the engine's own, which no tfjs backend has: run where a gradient or a layer asks for them. */
export const ENGINE_OWN_KERNELS = [BATCH_NORM_TRAINING_KERNEL, CONV2D_TRAINING_KERNEL, RELU_GRAD_KERNEL, OPTIMIZER_STEP_KERNEL] as const;

/**
 * Registers the `engine` backend: tfjs's cpu backend (tensors in JS typed arrays, all of its
 * kernels, so every layer a run spec allows trains on it) with the kernels that dominate a
 * training step replaced by native ones that read and write those same typed arrays, so
 * there is no copy at the boundary. Idempotent. `threads` sets the native thread pool
 * (default: one per core).
 */
export function registerEngineBackend(native: NativeEngine, options: { threads?: number } = {}): void {
  if (options.threads !== undefined) native.threads(options.threads);
  if (tf.findBackendFactory(ENGINE_BACKEND)) return;
  // tfjs does not export MathBackendCPU, but its registered cpu backend is one.
  const cpu = tf.findBackend('cpu');
  if (!cpu) throw new Error("tfjs's cpu backend is not registered");
  const CpuBackend = cpu.constructor as new () => tf.KernelBackend;
  tf.registerBackend(
    ENGINE_BACKEND,
    () => {
      const backend = new CpuBackend();
      // Its first write advises installing tfjs-node, which is not what to do on the engine.
      (backend as unknown as { firstUse: boolean }).firstUse = false;
      return backend;
    },
    // Below cpu's priority: the engine is only ever chosen by name (select-backend.ts).
    0,
  );
  const native_: Record<string, tf.KernelFunc> = {
    [tf.Conv2D]: nativeConv2d(native),
    [tf.FusedConv2D]: nativeFusedConv2d(native),
    [tf.Conv2DBackpropFilter]: nativeConv2dBackpropFilter(native),
    [tf.Conv2DBackpropInput]: nativeConv2dBackpropInput(native),
    [tf.MaxPool]: nativeMaxPool(native),
    [tf.MaxPoolGrad]: nativeMaxPoolGrad(native),
    [tf.BatchMatMul]: nativeBatchMatMul(native),
    [tf._FusedMatMul]: nativeFusedMatMul(native),
    [tf.Sum]: nativeReduce(native, tf.Sum),
    [tf.Mean]: nativeReduce(native, tf.Mean),
    [tf.Max]: nativeReduce(native, tf.Max),
    [tf.EluGrad]: nativeEluGrad(native),
    [tf.Pack]: enginePack(),
    [tf.Concat]: engineConcat(),
    [tf.Slice]: engineSlice(),
    [tf.SplitV]: engineSplitV(),
    [tf.PadV2]: enginePad(),
    [tf.AvgPool]: nativeAvgPool(native),
    [tf.AvgPoolGrad]: nativeAvgPoolGrad(native),
    [tf.FusedBatchNorm]: nativeFusedBatchNorm(native),
    [tf.Tile]: nativeTile(native),
    [tf.Softmax]: nativeSoftmax(native),
    [tf.ArgMax]: nativeArgMax(native),
    [tf.ClipByValue]: nativeClip(native),
    [tf.Select]: nativeSelect(native),
    [tf.Cast]: engineCast(),
    [tf.ZerosLike]: engineFillLike(tf.ZerosLike),
    [tf.OnesLike]: engineFillLike(tf.OnesLike),
    [tf.LogicalAnd]: engineLogicalAnd(),
    [tf.Fill]: engineFill(),
  };
  for (const name of Object.keys(COMPARE_OPS) as (keyof typeof COMPARE_OPS)[]) native_[name] = nativeCompare(native, name);
  for (const name of Object.keys(BINARY_OPS) as (keyof typeof BINARY_OPS)[]) native_[name] = nativeBinary(native, name);
  for (const name of Object.keys(UNARY_OPS) as (keyof typeof UNARY_OPS)[]) native_[name] = nativeUnary(native, name);
  for (const config of tf.getKernelsForBackend('cpu')) {
    tf.registerKernel({ ...config, backendName: ENGINE_BACKEND, kernelFunc: native_[config.kernelName] ?? countedFallback(config.kernelName, config.kernelFunc) });
  }
  // CONV2D_TRAINING_KERNEL is the native FusedConv2D under the name the conv2d layer runs it by, with its own gradient.
  const own: Record<(typeof ENGINE_OWN_KERNELS)[number], tf.KernelFunc> = { [BATCH_NORM_TRAINING_KERNEL]: nativeBatchNormTraining(native), [CONV2D_TRAINING_KERNEL]: nativeFusedConv2d(native), [RELU_GRAD_KERNEL]: nativeReluGrad(native), [OPTIMIZER_STEP_KERNEL]: nativeOptimizerStep(native) };
  for (const [kernelName, kernelFunc] of Object.entries(own)) tf.registerKernel({ kernelName, backendName: ENGINE_BACKEND, kernelFunc });
  registerFusedBatchNormGradient(native, ENGINE_BACKEND);
  registerBatchNormTrainingGradient(native);
  registerReluGradient(ENGINE_BACKEND);
  registerConv2DTrainingGradient();
}
