import * as tf from '@tensorflow/tfjs';

/**
 * tfjs 4.22 runs dilated (atrous) convolutions forward, but both of its conv2d gradients
 * (the Conv2D kernel's and the fused op's) refuse dilation rates above 1, so such a layer
 * could never train. This Conv2D trains them: a kernel dilated by d is the same kernel with
 * d - 1 zeros between its taps, so the layer convolves with that zero-spread kernel at
 * dilation 1 — plain ops whose gradients tfjs has (the spreading is a pad and a reshape).
 *
 * It registers under tfjs's own class name `Conv2D`: saved models stay standard Keras/tfjs
 * JSON that any tfjs loads (and runs forward with real dilation), and models we load back
 * (checkpoints, Keras JSON, base models) get this class too, so they train after a resume.
 * With dilation 1 it is tfjs's Conv2D unchanged, except where the backend has
 * CONV2D_TRAINING_KERNEL.
 */

/**
 * A kernel a backend may offer for a conv2d layer: FusedConv2D's inputs { x, filter, bias? }
 * and attrs (NHWC, dilation 1, activation linear or relu) with a gradient of its own that
 * computes each input's gradient only when the tape asks for it. tfjs's fused op computes the
 * input's gradient even when the input is data, and while training it does not fuse relu at
 * all (a separate Add and Relu pass over the output). The engine has one
 * (src/engine/kernels/conv2d-training.kernel.ts); elsewhere tfjs's path runs.
 */
export const CONV2D_TRAINING_KERNEL = 'TrainyardConv2D';

interface Conv2DInternals {
  kernel: { read(): tf.Tensor4D };
  bias: { read(): tf.Tensor1D } | null;
  strides: number[];
  padding: 'valid' | 'same';
  dataFormat: string;
  dilationRate: number[];
  activation: { apply(x: tf.Tensor): tf.Tensor; getClassName(): string };
}

type Conv2DConstructor = new (args: Parameters<typeof tf.layers.conv2d>[0]) => tf.layers.Layer & Conv2DInternals;

/** tfjs exports its Conv2D layer only through the `tf.layers.conv2d` factory. */
const TfjsConv2D = Object.getPrototypeOf(tf.layers.conv2d({ filters: 1, kernelSize: 1 })).constructor as Conv2DConstructor;

/** Spreads a [kh, kw, in, out] kernel's taps `dh` rows and `dw` columns apart, zeros between. */
export function dilateKernel(kernel: tf.Tensor4D, dh: number, dw: number): tf.Tensor4D {
  const [kh, kw, cin, cout] = kernel.shape;
  return tf.tidy(() => {
    const spread = tf
      .pad(kernel.reshape([kh, 1, kw, 1, cin, cout]), [[0, 0], [0, dh - 1], [0, 0], [0, dw - 1], [0, 0], [0, 0]])
      .reshape([kh * dh, kw * dw, cin, cout]);
    return spread.slice([0, 0, 0, 0], [(kh - 1) * dh + 1, (kw - 1) * dw + 1, cin, cout]) as tf.Tensor4D;
  });
}

export class TrainableConv2D extends TfjsConv2D {
  static className = 'Conv2D';

  override call(inputs: tf.Tensor | tf.Tensor[], kwargs: Record<string, unknown>): tf.Tensor | tf.Tensor[] {
    const [dh, dw] = this.dilationRate;
    const x = (Array.isArray(inputs) ? inputs[0] : inputs) as tf.Tensor4D;
    const plain = dh === 1 && dw === 1;
    if (plain && this.dataFormat === 'channelsLast' && x.rank === 4 && tf.getKernel(CONV2D_TRAINING_KERNEL, tf.getBackend())) return this.callFused(x);
    if (plain || this.dataFormat !== 'channelsLast') return super.call(inputs, kwargs);
    return tf.tidy(() => {
      // tfjs allows dilation only with stride 1, so the strides here are [1, 1].
      let y: tf.Tensor = tf.conv2d(x, dilateKernel(this.kernel.read(), dh, dw), this.strides as [number, number], this.padding);
      if (this.bias) y = tf.add(y, this.bias.read());
      return this.activation.apply(y);
    });
  }

  /** The convolution, bias and relu in CONV2D_TRAINING_KERNEL; any other activation after it. */
  private callFused(x: tf.Tensor4D): tf.Tensor {
    return tf.tidy(() => {
      const name = this.activation.getClassName();
      const activation = name === 'relu' ? 'relu' : 'linear';
      const inputs: tf.NamedTensorMap = { x, filter: this.kernel.read(), ...(this.bias && { bias: this.bias.read() }) };
      const attrs = { strides: this.strides, pad: this.padding, dataFormat: 'NHWC', dilations: [1, 1], activation };
      const y = tf.engine().runKernel(CONV2D_TRAINING_KERNEL, inputs, attrs as unknown as tf.NamedAttrMap) as tf.Tensor;
      return activation === 'relu' || name === 'linear' ? y : this.activation.apply(y);
    });
  }
}

// Replaces tfjs's `Conv2D` in the deserialization registry (see above).
tf.serialization.registerClass(TrainableConv2D as unknown as tf.serialization.SerializableConstructor<tf.serialization.Serializable>);
