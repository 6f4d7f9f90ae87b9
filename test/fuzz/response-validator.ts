import { Ajv, type ValidateFunction } from 'ajv';
import formats from 'ajv-formats';
import type { OpenApi, Operation } from './openapi-document.ts';

const DOC_ID = 'openapi';

/**
 * Checks an answer against what openapi.yaml documents for its status: the JSON body against
 * that response's schema (ajv, with OpenAPI 3.0's `nullable`; `$ref`s resolved in the document
 * itself). A status the operation does not document falls back to `default`, else is reported.
 */
export class ResponseValidator {
  private readonly ajv = new Ajv({ strict: false, allErrors: true });
  private readonly compiled = new Map<string, ValidateFunction>();

  constructor(api: OpenApi) {
    // ajv-formats is CommonJS: its function is the default export's default.
    (formats as unknown as { default: (ajv: Ajv) => void }).default(this.ajv);
    this.ajv.addFormat('binary', true);
    this.ajv.addSchema(toJsonSchema(structuredClone(api.doc)) as object, DOC_ID);
  }

  /** Why the answer does not match the document, or null when it does. */
  problem(op: Operation, status: number, contentType: string | undefined, body: string): string | null {
    const documented = op.responses[String(status)] ?? op.responses.default;
    if (!documented) return `status ${status} is not documented (documented: ${Object.keys(op.responses).join(', ')})`;
    if (!documented.schemaPointer) return null;
    if (!contentType?.startsWith('application/json')) return `expected a JSON body, got ${contentType}`;
    let value: unknown;
    try {
      value = JSON.parse(body);
    } catch {
      return 'the body is not JSON';
    }
    const validate = this.validatorFor(documented.schemaPointer);
    return validate(value) ? null : this.ajv.errorsText(validate.errors, { dataVar: 'body' });
  }

  private validatorFor(pointer: string): ValidateFunction {
    let validate = this.compiled.get(pointer);
    if (!validate) {
      validate = this.ajv.compile({ $ref: `${DOC_ID}#${pointer}` });
      this.compiled.set(pointer, validate);
    }
    return validate;
  }
}

/**
 * OpenAPI 3.0's schema dialect where it differs from the JSON Schema ajv speaks: `nullable:
 * true` may stand without `type` (`allOf: [$ref]` or null: made an `anyOf` with null), and `exclusiveMinimum:
 * true` qualifies `minimum` (JSON Schema: `exclusiveMinimum: <number>`).
 */
function toJsonSchema(node: unknown): unknown {
  if (Array.isArray(node)) node.forEach(toJsonSchema);
  else if (node && typeof node === 'object') {
    const record = node as Record<string, unknown>;
    if (record.nullable === true && record.type === undefined) {
      // `allOf: [{ $ref }], nullable: true` is how 3.0 writes "this schema, or null".
      delete record.nullable;
      const rest = { ...record };
      for (const key of Object.keys(record)) delete record[key];
      record.anyOf = [rest, { type: 'null' }];
    }
    for (const [exclusive, bound] of [['exclusiveMinimum', 'minimum'], ['exclusiveMaximum', 'maximum']] as const) {
      if (typeof record[exclusive] !== 'boolean') continue;
      if (record[exclusive] === true) record[exclusive] = record[bound];
      else delete record[exclusive];
      if (record[exclusive] !== undefined) delete record[bound];
    }
    Object.values(record).forEach(toJsonSchema);
  }
  return node;
}
