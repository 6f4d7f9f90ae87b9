import { fork, type ChildProcess } from 'node:child_process';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { AppError } from '../errors/app-error.ts';
import { errorStatus, type ErrorCode } from '../errors/error-codes.ts';
import type { DatasetShape } from '../model/dataset-shape.ts';
import type { ModelSummary } from '../model/model-summary.ts';
import type { RunSpec } from '../spec/run-spec.schema.ts';
import { childExecArgv } from '../startup/child-exec-argv.ts';
import type { BackendChoice } from '../training/backends.ts';
import type { ModelInspection } from '../model/inspect-model.ts';
import type { ComputeChildMessage, ComputeErrorBody, ComputeMethod, ComputeMethods, EvaluateRequest, EvaluateResult, PredictRequest, PredictResult } from './compute-protocol.ts';

const CHILD_ENTRY = path.join(path.dirname(fileURLToPath(import.meta.url)), 'compute.child.ts');

export interface ComputeClientOptions {
  /** Milliseconds a call may take; past it the call fails with SERVICE_UNAVAILABLE and the child is restarted. Default 30 000. */
  timeoutMs?: number;
  /** Node flags for the child. Default: the API's own, with tsx's loader added when missing (see child-exec-argv.ts). */
  execArgv?: string[];
  /** tfjs backend of the child, chosen as the worker chooses its own (COMPUTE_BACKEND). Default 'cpu'. */
  backend?: BackendChoice;
  /** Trained models kept loaded for predict. Default 4. */
  modelCacheSize?: number;
  /** Milliseconds an evaluate call (a whole dataset) may take. Default 300 000. */
  evaluateTimeoutMs?: number;
  /** Parameter budget a spec's model must fit (MODEL_MAX_PARAMS). Default: build-model's MAX_PARAMS. */
  modelMaxParams?: number;
  /** Bytes one training batch's layer outputs may take (MODEL_MAX_ACTIVATION_BYTES). Default: activation-budget's MAX_ACTIVATION_BYTES. */
  modelMaxActivationBytes?: number;
}

interface Pending {
  resolve: (value: unknown) => void;
  reject: (err: Error) => void;
  timer: NodeJS.Timeout;
}

/**
 * The API's handle on its compute child (see compute.child.ts). The child is forked on the
 * first call, restarted on the call after it dies or times out, and never keeps the API
 * alive while idle. Errors the child raises come back as the same AppError (code, message, details).
 */
export class ComputeClient {
  private child: ChildProcess | null = null;
  private starting: Promise<ChildProcess> | null = null;
  private readonly pending = new Map<number, Pending>();
  private nextId = 1;
  private closed = false;

  constructor(private readonly options: ComputeClientOptions = {}) {}

  /** Builds the spec's model against the dataset once; its summary, or AppError INVALID_MODEL / VALIDATION_FAILED. */
  validateRunSpec(spec: Pick<RunSpec, 'model' | 'compile' | 'fit'>, dataset: DatasetShape): Promise<ModelSummary> {
    const { inputShape, targetShape, numClasses, task } = dataset;
    return this.call('validateRunSpec', { spec: { model: spec.model, compile: spec.compile, fit: spec.fit }, dataset: { inputShape, targetShape, numClasses, task } });
  }

  /** Predictions for raw instances (preprocessed in the child as in training); AppError VALIDATION_FAILED names a misshapen instance. */
  predict(request: PredictRequest): Promise<PredictResult> {
    const { modelDir, inputs, count, inputShape, preprocessing, task, classNames, numClasses } = request;
    return this.call('predict', { modelDir, inputs, count, inputShape, preprocessing, task, classNames, numClasses });
  }

  /**
   * A trained model evaluated on a whole dataset (see evaluate.ts). A dataset takes longer
   * than a predict call, so this call may run for `evaluateTimeoutMs`.
   */
  evaluate(request: EvaluateRequest): Promise<EvaluateResult> {
    return this.call('evaluate', request, this.options.evaluateTimeoutMs ?? 300_000);
  }

  /** Loads a model from `modelDir` in the child: its input shape and summary, or AppError INVALID_MODEL. Large models load slowly: up to `evaluateTimeoutMs`. */
  inspectModel(modelDir: string): Promise<ModelInspection> {
    return this.call('inspectModel', { modelDir }, this.options.evaluateTimeoutMs ?? 300_000);
  }

  /** Builds a transfer run's model (base from `baseModelDir` + head) against the dataset once; its summary, or AppError INVALID_MODEL. */
  validateTransferRunSpec(spec: Pick<RunSpec, 'compile' | 'fit' | 'transfer'>, dataset: DatasetShape, baseModelDir: string): Promise<ModelSummary> {
    const { inputShape, targetShape, numClasses, task } = dataset;
    return this.call(
      'validateTransferRunSpec',
      { spec: { compile: spec.compile, fit: spec.fit, transfer: spec.transfer }, dataset: { inputShape, targetShape, numClasses, task }, baseModelDir },
      this.options.evaluateTimeoutMs ?? 300_000,
    );
  }

  async close(): Promise<void> {
    this.closed = true;
    await this.stopChild(new AppError('SERVICE_UNAVAILABLE', 'the compute service is shutting down'));
  }

  private async call<M extends ComputeMethod>(method: M, params: ComputeMethods[M]['params'], timeoutOverrideMs?: number): Promise<ComputeMethods[M]['result']> {
    if (this.closed) throw new AppError('SERVICE_UNAVAILABLE', 'the compute service is closed');
    const child = await this.ensureChild();
    const id = this.nextId++;
    const timeoutMs = timeoutOverrideMs ?? this.options.timeoutMs ?? 30_000;
    return new Promise((resolve, reject) => {
      const timer = setTimeout(() => {
        this.pending.delete(id);
        reject(new AppError('SERVICE_UNAVAILABLE', `${method} took longer than ${timeoutMs} ms`));
        // The child may be stuck in a huge computation: replace it.
        void this.stopChild(new AppError('SERVICE_UNAVAILABLE', 'the compute process was restarted'));
      }, timeoutMs);
      this.pending.set(id, { resolve: resolve as (v: unknown) => void, reject, timer });
      this.setReferenced(child, true);
      child.send({ id, method, params });
    });
  }

  private ensureChild(): Promise<ChildProcess> {
    if (this.child) return Promise.resolve(this.child);
    this.starting ??= this.startChild().finally(() => (this.starting = null));
    return this.starting;
  }

  private startChild(): Promise<ChildProcess> {
    const { backend, modelCacheSize, modelMaxParams, modelMaxActivationBytes } = this.options;
    const args = [backend ?? 'cpu', String(modelCacheSize ?? 4), String(modelMaxParams ?? ''), String(modelMaxActivationBytes ?? '')];
    // Advanced serialization: predict inputs cross as typed arrays, not as JSON number lists.
    const child = fork(CHILD_ENTRY, args, { execArgv: this.options.execArgv ?? childExecArgv(), serialization: 'advanced' });
    return new Promise((resolve, reject) => {
      const onStartExit = (code: number | null) => reject(new AppError('SERVICE_UNAVAILABLE', `the compute process exited while starting (code ${code})`));
      child.once('exit', onStartExit);
      child.on('message', (msg: ComputeChildMessage) => {
        if (msg.type === 'ready') {
          child.off('exit', onStartExit);
          child.once('exit', (code, signal) => this.onExit(child, `the compute process exited (code ${code}, signal ${signal})`));
          this.child = child;
          this.setReferenced(child, this.pending.size > 0);
          resolve(child);
        } else this.onResponse(msg);
      });
    });
  }

  private onResponse(msg: Extract<ComputeChildMessage, { type: 'response' }>) {
    const pending = this.pending.get(msg.id);
    if (!pending) return;
    this.pending.delete(msg.id);
    clearTimeout(pending.timer);
    if (msg.ok) pending.resolve(msg.result);
    else pending.reject(toAppError(msg.error));
    if (this.pending.size === 0 && this.child) this.setReferenced(this.child, false);
  }

  private onExit(child: ChildProcess, reason: string) {
    if (this.child === child) this.child = null;
    this.rejectAll(new AppError('SERVICE_UNAVAILABLE', reason));
  }

  private async stopChild(reason: AppError) {
    const child = this.child;
    this.child = null;
    this.rejectAll(reason);
    if (!child || child.exitCode !== null || child.signalCode !== null) return;
    await new Promise<void>((resolve) => {
      child.once('exit', () => resolve());
      child.kill('SIGKILL');
    });
  }

  private rejectAll(reason: AppError) {
    for (const [id, pending] of this.pending) {
      clearTimeout(pending.timer);
      pending.reject(reason);
      this.pending.delete(id);
    }
  }

  /** An idle child must not keep the API process alive (tests, graceful shutdown). */
  private setReferenced(child: ChildProcess, referenced: boolean) {
    const channel = child.channel as { ref?: () => void; unref?: () => void } | undefined;
    if (referenced) {
      child.ref();
      channel?.ref?.();
    } else {
      child.unref();
      channel?.unref?.();
    }
  }
}

function toAppError(body: ComputeErrorBody): AppError {
  const code = (body.code in errorStatus ? body.code : 'INTERNAL') as ErrorCode;
  return new AppError(code, body.message, body.details);
}
