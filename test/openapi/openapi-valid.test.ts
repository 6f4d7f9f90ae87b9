import SwaggerParser from '@apidevtools/swagger-parser';
import { describe, expect, it } from 'vitest';
import { OPENAPI_PATH } from '../fuzz/openapi-document.ts';

describe('openapi.yaml', () => {
  it('is a valid OpenAPI 3.0 document (swagger-parser: the official schema, and every $ref resolves)', async () => {
    // An unquoted YAML flow value with ", " splits into a stray key ("Default 3, fewer when ...");
    // only a schema validator notices that the description became a property.
    await expect(SwaggerParser.validate(OPENAPI_PATH)).resolves.toMatchObject({ openapi: expect.stringMatching(/^3\.0\./) });
  });
});
