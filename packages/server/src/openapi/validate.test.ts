import { ERROR_CODES } from '@cadenza/core';
import { Validator } from '@seriousme/openapi-schema-validator';
import { Ajv2020 } from 'ajv/dist/2020.js';
import addFormats from 'ajv-formats';
import { describe, expect, it } from 'vitest';
import { INTERNAL_CODE } from '../errors.js';
import { BEARER, openApiDocument } from './document.js';
import { type ErrorName, errorResponseName, errorStatus } from './error-responses.js';
import { inline, resolve } from './openapi.test-helpers.js';

// The document as an OpenAPI 3.1 validator and a strict JSON Schema compiler see it, and
// the promises it makes to clients: every error code, the bearer scheme on /v1.

const document = openApiDocument({ events: true });
/** The document as plain data, the way the validator takes it. */
const asSpec = (value: unknown) => structuredClone(value) as Record<string, unknown>;
/** Every error code the document may list. */
const CODES: readonly ErrorName[] = [...ERROR_CODES, INTERNAL_CODE];

/** Every operation of the document with its path and method. */
function operations() {
  return Object.entries(document.paths).flatMap(([path, item]) =>
    Object.entries(item).map(([method, operation]) => ({ path, method, operation })),
  );
}

describe('the OpenAPI document', () => {
  it('is valid OpenAPI 3.1', async () => {
    const validator = new Validator();
    const result = await validator.validate(asSpec(document));
    expect(result.errors).toBeUndefined();
    expect(result.valid).toBe(true);
    expect(validator.version).toBe('3.1');
  });

  it('is refused by the same validator when broken, so the check above means something', async () => {
    const noVersion = structuredClone(document) as unknown as { info: { version?: string } };
    delete noVersion.info.version;
    expect((await new Validator().validate(noVersion)).valid).toBe(false);
    const badScheme = structuredClone(document);
    badScheme.components.securitySchemes[BEARER] = { type: 'token', scheme: 'bearer' };
    expect((await new Validator().validate(asSpec(badScheme))).valid).toBe(false);
  });

  it('holds schemas that a strict draft 2020-12 compiler accepts', () => {
    const ajv = new Ajv2020({ strict: true, strictTypes: false, allErrors: true });
    addFormats.default(ajv);
    for (const [name, schema] of Object.entries(document.components.schemas)) {
      expect(() => ajv.compile(inline(document, schema) as object), name).not.toThrow();
    }
  });

  it('uses only references that name something', () => {
    const refs = JSON.stringify(document).match(/"\$ref":"[^"]+"/g) ?? [];
    expect(refs.length).toBeGreaterThan(20);
    for (const ref of refs) expect(() => resolve(document, JSON.parse(`{${ref}}`).$ref)).not.toThrow();
  });

  it("lists every error code of core's catalogue, and internal, at its status", () => {
    const listed = new Set<string>();
    for (const { operation } of operations()) {
      for (const [status, response] of Object.entries(operation.responses as Record<string, { $ref?: string }>)) {
        const name = response.$ref?.replace('#/components/responses/', '');
        const code = CODES.find((c) => errorResponseName(c) === name);
        if (code === undefined) continue;
        expect(Number(status)).toBe(errorStatus(code));
        listed.add(code);
      }
    }
    expect([...listed].sort()).toEqual([...CODES].sort());
  });

  it('asks a bearer token of every /v1 operation, with its 401 and 403, and of no other', () => {
    expect(document.components.securitySchemes[BEARER]).toEqual(
      expect.objectContaining({ type: 'http', scheme: 'bearer' }),
    );
    const v1 = operations().filter(({ path }) => path.startsWith('/v1/'));
    expect(v1.length).toBe(17);
    for (const { path, method, operation } of operations()) {
      const responses = operation.responses as Record<string, unknown>;
      if (path.startsWith('/v1/')) {
        expect(operation.security, `${method} ${path}`).toEqual([{ [BEARER]: [] }]);
        expect(responses['401'], `${method} ${path}`).toEqual({ $ref: '#/components/responses/Unauthorized' });
        expect(responses['403'], `${method} ${path}`).toEqual({ $ref: '#/components/responses/Forbidden' });
      } else {
        expect(operation.security, `${method} ${path}`).toEqual([]);
        // Only /metrics may ask for a token: the metrics token of a process given one.
        if (path === '/metrics') {
          expect(responses['401'], `${method} ${path}`).toEqual({ $ref: '#/components/responses/Unauthorized' });
        } else {
          expect(responses['401'], `${method} ${path}`).toBeUndefined();
        }
        // Refused on a server that answers loopback names only, when addressed to another.
        expect(responses['403'], `${method} ${path}`).toEqual({ $ref: '#/components/responses/Forbidden' });
      }
    }
  });

  it('declares each path parameter of each path, and only those', () => {
    for (const { path, method, operation } of operations()) {
      const inPath = [...path.matchAll(/\{(\w+)\}/g)].map((m) => m[1]);
      const declared = ((operation.parameters ?? []) as { $ref: string }[])
        .map((p) => resolve(document, p.$ref) as { name: string; in: string })
        .filter((p) => p.in === 'path')
        .map((p) => p.name);
      expect(declared, `${method} ${path}`).toEqual(inPath);
    }
  });
});
