import type { FastifyRequest } from 'fastify';
import type { Database } from '../db/client';
import { checkApiToken } from '../db/repositories/api-tokens';
import { ApiError } from './errors';

const REASONS = {
  malformed: 'bearer token is malformed (expected slk_<id>_<secret>)',
  unknown: 'bearer token is not known',
  revoked: 'bearer token has been revoked',
} as const;

declare module 'fastify' {
  interface FastifyRequest {
    apiTokenId?: string;
    /** who acted, for the workflow's log of ops actions (`api:<name>`) */
    apiTokenName?: string;
  }
}

/** onRequest hook for every /v1 route: a valid, unrevoked bearer token or 401. */
export function requireApiToken(db: Database) {
  return async (request: FastifyRequest): Promise<void> => {
    const header = request.headers.authorization;
    if (!header) throw new ApiError(401, 'unauthorized', 'missing Authorization: Bearer <token> header');
    const [scheme, token, ...rest] = header.split(' ');
    if (scheme?.toLowerCase() !== 'bearer' || !token || rest.length > 0) {
      throw new ApiError(401, 'unauthorized', 'Authorization header must be "Bearer <token>"');
    }
    const check = await checkApiToken(db, token);
    if (!check.ok) throw new ApiError(401, 'unauthorized', REASONS[check.reason]);
    request.apiTokenId = check.tokenId;
    request.apiTokenName = check.name;
  };
}

/** How ops actions name their author in workflow events: the token's name (its id when unnamed). */
export function actorOf(request: FastifyRequest): string {
  return `api:${request.apiTokenName || request.apiTokenId || 'unknown'}`;
}
