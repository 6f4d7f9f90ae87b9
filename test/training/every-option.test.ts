import * as tf from '@tensorflow/tfjs';
import { everyOptionSuite } from './every-option-suite.ts';

/** Every option the schemas accept, on tfjs's cpu backend (every-option-suite.ts). */
everyOptionSuite('every option the schema accepts: %s', 'cpu', () => tf.setBackend('cpu'));
