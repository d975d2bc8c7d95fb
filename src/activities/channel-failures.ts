import { ApplicationFailure } from '@temporalio/activity';
import { AuthError, DataError, isChannelError, ThrottledError, type ChannelError, type ChannelErrorKind } from '../channels';

/**
 * The one mapping from channel error kinds to Temporal retry decisions (STYLE.md "Errors"):
 * auth, data and permanent stop retrying and carry their kind as the failure type (the connection
 * workflow reacts to `auth`); throttled retries after the channel's own wait; transient retries
 * with the activity's backoff. Anything that is not a ChannelError is left to Temporal as is.
 */

export const NON_RETRYABLE_CHANNEL_KINDS: readonly ChannelErrorKind[] = ['auth', 'data', 'permanent'];

export function channelFailure(error: ChannelError): ApplicationFailure {
  const details = [{ kind: error.kind, channelCode: error.channelCode ?? null, ...extraDetails(error) }];
  switch (error.kind) {
    case 'auth':
    case 'data':
    case 'permanent':
      return ApplicationFailure.create({ message: error.message, type: error.kind, nonRetryable: true, details, cause: error });
    case 'throttled':
      return ApplicationFailure.create({
        message: error.message,
        type: error.kind,
        nonRetryable: false,
        nextRetryDelay: Math.max(1, error instanceof ThrottledError ? error.retryAfterMs : 1000),
        details,
        cause: error,
      });
    case 'transient':
      return ApplicationFailure.retryable(error.message, error.kind, ...details);
  }
}

function extraDetails(error: ChannelError): Record<string, unknown> {
  if (error instanceof AuthError && error.missingScopes.length > 0) return { missingScopes: [...error.missingScopes] };
  if (error instanceof DataError && error.field) return { field: [...error.field] };
  return {};
}

/** Rethrows a ChannelError as its Temporal failure; any other error unchanged. */
export function toActivityFailure(error: unknown): unknown {
  return isChannelError(error) ? channelFailure(error) : error;
}

/** Runs a channel call, translating its errors for Temporal. */
export async function withChannelFailures<T>(call: () => Promise<T>): Promise<T> {
  try {
    return await call();
  } catch (error) {
    throw toActivityFailure(error);
  }
}
