import { mkdir, rm } from 'node:fs/promises';
import path from 'node:path';

/**
 * Where Trainyard keeps files: datasets (converted to flat Float32 arrays), checkpoints and
 * trained models. Every path is built from ids we generated, never from user input, so no
 * request can name a path outside the root.
 */
export class Storage {
  readonly root: string;

  constructor(root: string) {
    this.root = path.resolve(root);
  }

  datasetDir(datasetId: string): string {
    return path.join(this.root, 'datasets', assertId(datasetId));
  }

  runDir(runId: string): string {
    return path.join(this.root, 'runs', assertId(runId));
  }

  checkpointDir(runId: string, checkpointName: string): string {
    return path.join(this.runDir(runId), 'checkpoints', assertId(checkpointName));
  }

  /** Where the final trained model of a run is written. */
  modelDir(runId: string): string {
    return path.join(this.runDir(runId), 'model');
  }

  /** Where an uploaded base model (POST /v1/models) lives: model.json and its weight files. */
  baseModelDir(modelId: string): string {
    return path.join(this.root, 'models', assertId(modelId));
  }

  tmpDir(): string {
    return path.join(this.root, 'tmp');
  }

  async ensureDir(dir: string): Promise<string> {
    await mkdir(dir, { recursive: true });
    return dir;
  }

  async remove(dir: string): Promise<void> {
    await rm(dir, { recursive: true, force: true });
  }
}

function assertId(id: string): string {
  if (!/^[A-Za-z0-9_-]+$/.test(id)) throw new Error(`Refusing unsafe storage id ${JSON.stringify(id)}`);
  return id;
}
