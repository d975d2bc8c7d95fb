import { isGrpcServiceError, ServiceError, WorkflowUpdateFailedError } from '@temporalio/client';
import { ActivityFailure, ApplicationFailure, WorkflowNotFoundError } from '@temporalio/common';
import { ApiError } from './errors';

/** gRPC status codes (@grpc/grpc-js is the SDK's dependency, not ours). */
const GRPC_DEADLINE_EXCEEDED = 4;
const GRPC_UNAVAILABLE = 14;

/**
 * Temporal did not answer (down, unreachable, or slower than the caller's deadline): the request
 * may be repeated later, so it is a 503, not a 500. Other service errors are our bugs and stay 500s.
 */
export function isTemporalUnavailable(error: unknown): boolean {
  if (!(error instanceof ServiceError)) return false;
  const cause = error.cause;
  if (!isGrpcServiceError(cause)) return true; // no gRPC status at all: the connection itself failed
  return cause.code === GRPC_UNAVAILABLE || cause.code === GRPC_DEADLINE_EXCEEDED;
}

export const temporalUnavailable = (what: string) => new ApiError(503, 'temporal_unavailable', `${what}: Temporal is not reachable right now; try again shortly`);

/** Runs a Temporal call whose only expected failure is Temporal being unreachable. */
export async function callTemporal<T>(what: string, call: () => Promise<T>): Promise<T> {
  try {
    return await call();
  } catch (error) {
    if (isTemporalUnavailable(error)) throw temporalUnavailable(what);
    throw error;
  }
}

export interface RunUpdateOptions<T> {
  /** The workflow is gone (closed or never started): answer for it, or throw the right ApiError. Default: 404. */
  onNotFound?: () => Promise<T>;
}

/**
 * Runs a workflow update and turns its refusals into API errors: a validator's refusal is a
 * 409 (the state does not allow it) unless the workflow typed it (invalid settings → 400 naming
 * the fields, rejected credentials → 422 with the channel's message, an order action that does
 * not fit the order → 409 with the workflow's own message).
 */
export async function runUpdate<T>(what: string, call: () => Promise<T>, options: RunUpdateOptions<T> = {}): Promise<T> {
  try {
    return await call();
  } catch (error) {
    if (error instanceof WorkflowNotFoundError) {
      if (options.onNotFound) return options.onNotFound();
      throw new ApiError(404, 'not_found', `${what}: no such workflow (is the connection id right?)`);
    }
    if (error instanceof WorkflowUpdateFailedError) {
      const cause = error.cause;
      // An activity the update ran failed: its own failure says why, not "Activity task failed".
      const message = (cause instanceof ActivityFailure && cause.cause ? cause.cause.message : cause?.message) ?? error.message;
      if (cause instanceof ApplicationFailure && cause.type === 'InvalidSettings') {
        throw new ApiError(400, 'invalid_settings', message, { problems: cause.details?.[0] });
      }
      if (cause instanceof ApplicationFailure && cause.type === 'InvalidCredentials') {
        throw new ApiError(422, 'credentials_rejected', message);
      }
      if (cause instanceof ApplicationFailure && cause.type === 'InvalidOrderAction') {
        throw new ApiError(409, 'invalid_order_action', message);
      }
      throw new ApiError(409, 'conflict', `${what}: ${message}`);
    }
    if (isTemporalUnavailable(error)) throw temporalUnavailable(what);
    throw error;
  }
}
