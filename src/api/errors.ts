import type { FastifyError, FastifyReply, FastifyRequest } from 'fastify';
import { hasZodFastifySchemaValidationErrors } from 'fastify-type-provider-zod';
import { z } from 'zod';

/** The one error shape of every route: `{error: {code, message, details}}`. */
export const errorBody = z
  .object({
    error: z.object({
      code: z.string().describe('stable, machine-readable'),
      message: z.string().describe('what was wrong, for a person'),
      details: z.record(z.string(), z.unknown()).optional(),
    }),
  })
  .meta({ id: 'Error' });

export type ErrorBody = z.infer<typeof errorBody>;

export class ApiError extends Error {
  constructor(
    readonly statusCode: number,
    readonly code: string,
    message: string,
    readonly details?: Record<string, unknown>,
  ) {
    super(message);
    this.name = 'ApiError';
  }
}

export function errorPayload(code: string, message: string, details?: Record<string, unknown>): ErrorBody {
  return { error: details ? { code, message, details } : { code, message } };
}

/** Fastify's own client errors, by code, in the project's words. */
const FASTIFY_CLIENT_ERRORS: Record<string, { status: number; code: string; message: string }> = {
  FST_ERR_CTP_INVALID_JSON_BODY: { status: 400, code: 'malformed_json', message: 'request body is not valid JSON' },
  FST_ERR_CTP_EMPTY_JSON_BODY: { status: 400, code: 'malformed_json', message: 'request body is empty but Content-Type is application/json' },
  FST_ERR_CTP_BODY_TOO_LARGE: { status: 413, code: 'body_too_large', message: 'request body exceeds the size limit' },
  FST_ERR_CTP_INVALID_MEDIA_TYPE: { status: 415, code: 'unsupported_media_type', message: 'Content-Type is not supported; send application/json' },
  FST_ERR_CTP_INVALID_CONTENT_LENGTH: { status: 400, code: 'bad_content_length', message: 'Content-Length does not match the body' },
};

export function handleError(error: FastifyError, request: FastifyRequest, reply: FastifyReply): FastifyReply {
  if (error instanceof ApiError) {
    return reply.status(error.statusCode).send(errorPayload(error.code, error.message, error.details));
  }
  if (hasZodFastifySchemaValidationErrors(error)) {
    const where = error.validationContext ?? 'request';
    const issues = error.validation.map((issue) => ({
      path: `${where}${issue.instancePath.replace(/\//g, '.')}`,
      message: issue.message ?? 'invalid',
    }));
    const summary = issues.map((issue) => `${issue.path}: ${issue.message}`).join('; ');
    return reply.status(400).send(errorPayload('validation_failed', `invalid ${where}: ${summary}`, { issues }));
  }
  const known = error.code ? FASTIFY_CLIENT_ERRORS[error.code] : undefined;
  if (known) {
    const limit = known.code === 'body_too_large' ? { limitBytes: request.routeOptions.bodyLimit } : undefined;
    return reply.status(known.status).send(errorPayload(known.code, known.message, limit));
  }
  if (error.statusCode && error.statusCode >= 400 && error.statusCode < 500) {
    return reply.status(error.statusCode).send(errorPayload('bad_request', error.message));
  }
  request.log.error({ err: error }, 'unhandled error');
  return reply.status(500).send(errorPayload('internal', `internal error; quote request id ${request.id} when reporting it`));
}

export function handleNotFound(request: FastifyRequest, reply: FastifyReply): FastifyReply {
  return reply.status(404).send(errorPayload('not_found', `no route ${request.method} ${request.url.split('?')[0]}`));
}
