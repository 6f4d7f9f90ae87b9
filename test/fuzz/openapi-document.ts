import path from 'node:path';
import SwaggerParser from '@apidevtools/swagger-parser';
import type { OpenAPIV3 } from 'openapi-types';

export const OPENAPI_PATH = path.resolve(import.meta.dirname, '../../openapi.yaml');

export type Schema = OpenAPIV3.SchemaObject | OpenAPIV3.ReferenceObject;
type Ref = OpenAPIV3.ReferenceObject;

export interface DocumentedResponse {
  /** JSON pointer (into openapi.yaml) of the JSON body's schema; null when the body is not JSON. */
  schemaPointer: string | null;
}

export interface Operation {
  method: 'get' | 'post' | 'delete' | 'put' | 'patch';
  /** The documented path, `{id}` placeholders included. */
  path: string;
  parameters: OpenAPIV3.ParameterObject[];
  /** The JSON or multipart request body's schema (`$ref`s unresolved: see {@link OpenApi.resolve}). */
  body?: { type: 'json' | 'multipart'; schema: Schema };
  responses: Record<string, DocumentedResponse>;
  websocket: boolean;
}

const escape = (token: string) => token.replace(/~/g, '~0').replace(/\//g, '~1');
const isRef = (value: unknown): value is Ref => typeof value === 'object' && value !== null && '$ref' in value;

/**
 * openapi.yaml as written (recursive schemas stay `$ref`s, so nothing is circular), after
 * swagger-parser has validated it against the OpenAPI 3.0 schema.
 */
export class OpenApi {
  private constructor(readonly doc: OpenAPIV3.Document) {}

  static async load(): Promise<OpenApi> {
    await SwaggerParser.validate(OPENAPI_PATH);
    return new OpenApi((await SwaggerParser.parse(OPENAPI_PATH)) as OpenAPIV3.Document);
  }

  /** Follows `$ref`s (local ones: `#/components/...`) until a non-reference. */
  resolve<T>(value: T | Ref): T {
    let current: unknown = value;
    while (isRef(current)) {
      current = current.$ref.slice(2).split('/').reduce<any>((node, token) => node[token.replace(/~1/g, '/').replace(/~0/g, '~')], this.doc);
    }
    return current as T;
  }

  operations(): Operation[] {
    const operations: Operation[] = [];
    for (const [route, item] of Object.entries(this.doc.paths)) {
      for (const method of ['get', 'post', 'delete', 'put', 'patch'] as const) {
        const op = item?.[method];
        if (!op) continue;
        const content = op.requestBody ? this.resolve(op.requestBody).content : {};
        const json = content['application/json']?.schema;
        const multipart = content['multipart/form-data']?.schema;
        const responses: Record<string, DocumentedResponse> = {};
        for (const [status, response] of Object.entries(op.responses)) {
          // The pointer goes through the response's own $ref, if any, so ajv resolves the rest.
          const base = isRef(response) ? response.$ref.slice(1) : `/paths/${escape(route)}/${method}/responses/${escape(status)}`;
          responses[status] = { schemaPointer: this.resolve(response).content?.['application/json']?.schema ? `${base}/content/application~1json/schema` : null };
        }
        operations.push({
          method,
          path: route,
          parameters: [...(item.parameters ?? []), ...(op.parameters ?? [])].map((p) => this.resolve(p)),
          body: json ? { type: 'json', schema: json } : multipart ? { type: 'multipart', schema: multipart } : undefined,
          responses,
          websocket: (op as { 'x-websocket'?: boolean })['x-websocket'] === true,
        });
      }
    }
    return operations;
  }
}
