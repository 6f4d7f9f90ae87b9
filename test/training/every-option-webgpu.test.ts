import { selectBackend } from '../../src/training/select-backend.ts';
import { everyOptionSuite } from './every-option-suite.ts';
import { useSwiftShader } from './swiftshader.ts';

/**
 * every-option.test.ts on the webgpu backend (over SwiftShader): every option the schemas
 * accept trains through the training core, checkpoints, resumes and predicts on webgpu, or is
 * refused naming it. 16 images of 6×6, so SwiftShader's speed is no bother.
 */
everyOptionSuite('on webgpu, every %s', 'webgpu', async () => {
  useSwiftShader();
  await selectBackend('webgpu');
});
