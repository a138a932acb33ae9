import type { FastifyInstance } from 'fastify';
import { type DocumentOptions, openApiDocument } from './document.js';

/**
 * `GET /openapi.json`: the API's OpenAPI 3.1 document, for client generators. It sits
 * outside /v1 so that it can be read without a token: it describes the API and holds no
 * data. Built once here, since nothing in it changes while the server runs.
 */
export function registerOpenApiRoute(app: FastifyInstance, options: DocumentOptions): void {
  const text = JSON.stringify(openApiDocument(options));
  app.get('/openapi.json', async (_request, reply) => reply.type('application/json; charset=utf-8').send(text));
}
