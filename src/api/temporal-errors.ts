import { WorkflowUpdateFailedError } from '@temporalio/client';
import { ApplicationFailure, WorkflowNotFoundError } from '@temporalio/common';
import { ApiError } from './errors';

/**
 * Runs a workflow update and turns its refusals into API errors: a validator's refusal is a
 * 409 (the state does not allow it) unless the workflow typed it (invalid settings → 400 naming
 * the fields, rejected credentials → 422 with the channel's message).
 */
export async function runUpdate<T>(what: string, call: () => Promise<T>): Promise<T> {
  try {
    return await call();
  } catch (error) {
    if (error instanceof WorkflowNotFoundError) throw new ApiError(404, 'not_found', `${what}: no such workflow (is the connection id right?)`);
    if (error instanceof WorkflowUpdateFailedError) {
      const cause = error.cause;
      const message = cause?.message ?? error.message;
      if (cause instanceof ApplicationFailure && cause.type === 'InvalidSettings') {
        throw new ApiError(400, 'invalid_settings', message, { problems: cause.details?.[0] });
      }
      if (cause instanceof ApplicationFailure && cause.type === 'InvalidCredentials') {
        throw new ApiError(422, 'credentials_rejected', message);
      }
      throw new ApiError(409, 'conflict', `${what}: ${message}`);
    }
    throw error;
  }
}
