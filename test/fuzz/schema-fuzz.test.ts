import fc from 'fast-check';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { TestApp } from '../helper.ts';
import { OpenApi, type Operation } from './openapi-document.ts';
import { requestFor, type FuzzContext, type FuzzRequest } from './request-arbitraries.ts';
import { ResponseValidator } from './response-validator.ts';
import { startFuzzApp } from './fuzz-app.ts';

/**
 * Requests generated from openapi.yaml for every documented operation (valid, boundary and
 * hostile values), sent to the real app. Each answer must be below 500 and match the schema
 * documented for its status. `npm test` runs FUZZ_RUNS (default 12) per operation;
 * `npm run fuzz` many more. A failure prints fast-check's seed and the shrunk request.
 */
const RUNS_PER_OPERATION = Number(process.env.FUZZ_RUNS ?? 12);
const SEED = process.env.FUZZ_SEED ? Number(process.env.FUZZ_SEED) : undefined;

describe('schema-driven fuzzing of every route', () => {
  let t: TestApp;
  let ctx: FuzzContext;
  let api: OpenApi;
  let validator: ResponseValidator;
  beforeAll(async () => {
    api = await OpenApi.load();
    validator = new ResponseValidator(api);
    ({ t, ctx } = await startFuzzApp());
  });
  afterAll(async () => t?.close());

  async function send(op: Operation, req: FuzzRequest): Promise<string | null> {
    const res = await t.app.inject({ method: req.method as 'GET', url: req.url, headers: req.headers, payload: req.payload });
    if (res.statusCode >= 500) return `${res.statusCode}: ${res.body.slice(0, 300)}`;
    const problem = validator.problem(op, res.statusCode, res.headers['content-type'] as string | undefined, res.body);
    return problem && `${res.statusCode} does not match openapi.yaml: ${problem}; body ${res.body.slice(0, 300)}`;
  }

  it(`answers every operation's generated requests below 500 and as documented (${RUNS_PER_OPERATION} per operation)`, { timeout: 600_000 }, async () => {
    const operations = api.operations();
    const started = Date.now();
    const failures: string[] = [];
    let cases = 0;
    for (const op of operations) {
      const result = await fc.check(
        fc.asyncProperty(requestFor(api, op, ctx), async (req) => {
          cases++;
          const problem = await send(op, req);
          if (problem) throw new Error(problem);
        }),
        { numRuns: RUNS_PER_OPERATION, seed: SEED, endOnFailure: process.env.FUZZ_SHRINK !== '1' },
      );
      if (result.failed) {
        const req = result.counterexample?.[0] as FuzzRequest | undefined;
        failures.push(`${op.method.toUpperCase()} ${op.path} (seed ${result.seed}): ${String((result.errorInstance as Error)?.message ?? result.errorInstance)}\n  request: ${req?.method} ${req?.url.slice(0, 200)} ${JSON.stringify(req?.headers)} ${String(req?.payload ?? '').slice(0, 200)}`);
      }
    }
    console.log(`fuzz: ${cases} requests over ${operations.length} operations in ${((Date.now() - started) / 1000).toFixed(1)} s, ${failures.length} failing`);
    expect(failures).toEqual([]);
  });
});
