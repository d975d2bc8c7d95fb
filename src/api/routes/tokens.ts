import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import { z } from 'zod';
import { createApiToken, listApiTokens, revokeApiToken } from '../../db/repositories/api-tokens';
import { ApiError, errorBody } from '../errors';
import type { ApiDependencies } from '../server';

const tokenSummary = z
  .object({
    id: z.string(),
    name: z.string(),
    createdAt: z.date(),
    lastUsedAt: z.date().nullable(),
    revokedAt: z.date().nullable(),
  })
  .meta({ id: 'ApiToken' });

export const tokenName = z.string().trim().min(1, 'must not be empty').max(100, 'at most 100 characters');

export const tokenRoutes: FastifyPluginAsyncZod<ApiDependencies> = async (app, deps) => {
  const security = [{ bearer: [] }];

  app.get(
    '/tokens',
    { schema: { tags: ['tokens'], summary: 'List API tokens (never their secrets)', security, response: { 200: z.object({ tokens: z.array(tokenSummary) }) } } },
    async () => ({ tokens: await listApiTokens(deps.db) }),
  );

  app.post(
    '/tokens',
    {
      schema: {
        tags: ['tokens'],
        summary: 'Create an API token; the token is in this response only',
        security,
        body: z.object({ name: tokenName }).strict(),
        response: { 201: tokenSummary.extend({ token: z.string() }), 400: errorBody },
      },
    },
    async (request, reply) => reply.status(201).send(await createApiToken(deps.db, request.body.name)),
  );

  app.delete(
    '/tokens/:id',
    {
      schema: {
        tags: ['tokens'],
        summary: 'Revoke an API token',
        security,
        params: z.object({ id: z.string().regex(/^[a-f0-9]{16}$/, 'expected a 16-character token id') }),
        response: { 204: z.null(), 404: errorBody },
      },
    },
    async (request, reply) => {
      if (!(await revokeApiToken(deps.db, request.params.id))) {
        throw new ApiError(404, 'not_found', `no API token ${request.params.id}`);
      }
      return reply.status(204).send(null);
    },
  );
};
