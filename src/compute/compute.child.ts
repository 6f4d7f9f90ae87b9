import { AppError } from '../errors/app-error.ts';
import { validateRunSpec } from '../model/validate-spec.ts';
import { validateTransferRunSpec } from '../model/validate-transfer-spec.ts';
import { inspectModel } from '../model/inspect-model.ts';
import { selectBackend } from '../training/select-backend.ts';
import { BACKEND_CHOICES, type BackendChoice } from '../training/backends.ts';
import type { ComputeChildMessage, ComputeErrorBody, ComputeRequest } from './compute-protocol.ts';
import { ModelCache } from './model-cache.ts';
import { evaluate } from './evaluate.ts';
import { predict } from './predict.ts';

/**
 * The API's compute process: building a model to validate a spec and running predictions
 * are CPU-bound tfjs work that would stall every request if done on the API's event loop.
 * Arguments (from ComputeClient): backend choice, model cache size, then the model budget:
 * parameters and activation bytes (empty for the defaults).
 */
const [backendArg = 'cpu', cacheArg = '4', maxParamsArg, maxActivationArg] = process.argv.slice(2);
const maxParams = maxParamsArg ? Number(maxParamsArg) : undefined;
const maxActivationBytes = maxActivationArg ? Number(maxActivationArg) : undefined;
const cache = new ModelCache(Math.max(1, Number(cacheArg) || 4));
const send = (msg: ComputeChildMessage) => process.send?.(msg);

process.on('disconnect', () => process.exit());

const selected = await selectBackend((BACKEND_CHOICES as readonly string[]).includes(backendArg) ? (backendArg as BackendChoice) : 'cpu');

process.on('message', (request: ComputeRequest) => {
  void handle(request).then(
    (result) => send({ type: 'response', id: request.id, ok: true, result }),
    (err) => send({ type: 'response', id: request.id, ok: false, error: errorBody(err) }),
  );
});
send({ type: 'ready', backend: selected.backend });

async function handle(request: ComputeRequest): Promise<unknown> {
  switch (request.method) {
    case 'validateRunSpec':
      return validateRunSpec(request.params.spec, request.params.dataset, maxParams, maxActivationBytes);
    case 'predict':
      return predict(await cache.get(request.params.modelDir), request.params);
    case 'evaluate':
      return evaluate(await cache.get(request.params.modelDir), request.params);
    case 'inspectModel':
      return inspectModel(request.params.modelDir);
    case 'validateTransferRunSpec':
      return validateTransferRunSpec(request.params.spec, request.params.dataset, request.params.baseModelDir, maxParams, maxActivationBytes);
  }
}

function errorBody(err: unknown): ComputeErrorBody {
  if (err instanceof AppError) return { code: err.code, message: err.message, details: err.details };
  return { code: 'INTERNAL', message: (err as Error)?.message ?? String(err) };
}
