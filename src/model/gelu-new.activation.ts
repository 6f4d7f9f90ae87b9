import * as tf from '@tensorflow/tfjs';

/**
 * tfjs registers the tanh-approximated GELU as `gelu_new` and saves a layer's activation
 * under that name, but reads every config string back in camelCase: a saved model names
 * `geluNew`, which tfjs does not know, so no model with this activation could be loaded
 * (resume, predict, tf.loadLayersModel). Registering tfjs's own GeluNew class under the
 * camelCase name too makes those models load; the files stay as tfjs writes them. Any
 * module that loads or builds models imports this one (file-model-io.ts, create-layer.ts).
 */
type ActivationClass = tf.serialization.SerializableConstructor<tf.serialization.Serializable>;

const [GeluNew] = tf.serialization.SerializationMap.getMap().classNameMap['gelu_new'] as [ActivationClass, unknown];

class GeluNewAsLoaded extends (GeluNew as unknown as new () => tf.serialization.Serializable & { getConfig(): tf.serialization.ConfigDict }) {
  static className = 'geluNew';
}

tf.serialization.registerClass(GeluNewAsLoaded as unknown as ActivationClass);
