import * as tf from '@tensorflow/tfjs';
import type { InitializerSpec } from '../spec/layer-spec.schema.ts';

type Initializer = ReturnType<typeof tf.initializers.zeros>;

/**
 * A tfjs initializer from its spec. `seed` (the run's, per layer) applies to random
 * initializers that name none, so a seeded run starts from the same weights every time.
 */
export function createInitializer(spec: InitializerSpec, seed?: number): Initializer {
  const s = typeof spec === 'string' ? { type: spec } : spec;
  const seeded = <T extends { seed?: number }>(o: T) => ({ ...o, seed: o.seed ?? seed });
  switch (s.type) {
    case 'zeros':
      return tf.initializers.zeros();
    case 'ones':
      return tf.initializers.ones();
    case 'constant':
      return tf.initializers.constant({ value: s.value });
    case 'glorotUniform':
      return tf.initializers.glorotUniform(seeded(s));
    case 'glorotNormal':
      return tf.initializers.glorotNormal(seeded(s));
    case 'heUniform':
      return tf.initializers.heUniform(seeded(s));
    case 'heNormal':
      return tf.initializers.heNormal(seeded(s));
    case 'leCunUniform':
      return tf.initializers.leCunUniform(seeded(s));
    case 'leCunNormal':
      return tf.initializers.leCunNormal(seeded(s));
    case 'randomNormal':
      return tf.initializers.randomNormal(seeded({ mean: s.mean, stddev: s.stddev, seed: s.seed }));
    case 'truncatedNormal':
      return tf.initializers.truncatedNormal(seeded({ mean: s.mean, stddev: s.stddev, seed: s.seed }));
    case 'randomUniform':
      return tf.initializers.randomUniform(seeded({ minval: s.minval, maxval: s.maxval, seed: s.seed }));
    case 'varianceScaling':
      return tf.initializers.varianceScaling(seeded({ scale: s.scale, mode: s.mode, distribution: s.distribution, seed: s.seed }));
    case 'orthogonal':
      return tf.initializers.orthogonal(seeded({ gain: s.gain, seed: s.seed }));
    case 'identity':
      return tf.initializers.identity({ gain: s.gain });
  }
}
