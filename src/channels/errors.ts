// The one error taxonomy every channel adapter maps into. Adapters classify; they never retry
// on their own (except the Shopify client's cost-bucket pacing, which is flow control, not a
// retry decision). Activities turn these kinds into Temporal retry / no-retry decisions.
// Messages are for people and never contain credentials.

export type ChannelErrorKind = 'throttled' | 'transient' | 'auth' | 'data' | 'permanent';

export abstract class ChannelError extends Error {
  abstract readonly kind: ChannelErrorKind;

  constructor(
    message: string,
    /** The channel's own error code when it gave one (e.g. `ACCESS_DENIED`). */
    readonly channelCode?: string,
  ) {
    super(message);
    this.name = new.target.name;
  }
}

/** The channel asked us to slow down; retry after `retryAfterMs`. */
export class ThrottledError extends ChannelError {
  readonly kind = 'throttled' as const;

  constructor(
    message: string,
    readonly retryAfterMs: number,
    channelCode?: string,
  ) {
    super(message, channelCode);
  }
}

/** Network failure, timeout or 5xx: retry with backoff. */
export class TransientError extends ChannelError {
  readonly kind = 'transient' as const;

  constructor(
    message: string,
    /** HTTP status when there was one. */
    readonly status?: number,
    channelCode?: string,
  ) {
    super(message, channelCode);
  }
}

/** Credentials rejected or a required permission (scope) missing: the connection needs action. */
export class AuthError extends ChannelError {
  readonly kind = 'auth' as const;

  constructor(
    message: string,
    /** Access scopes (or equivalent permissions) the channel said are missing, by name. */
    readonly missingScopes: readonly string[] = [],
    channelCode?: string,
  ) {
    super(message, channelCode);
  }
}

/** The channel rejected what we sent (or our data cannot be expressed there); needs a fix. */
export class DataError extends ChannelError {
  readonly kind = 'data' as const;

  constructor(
    /** The channel's own message, verbatim where it gave one. */
    message: string,
    channelCode?: string,
    /** Where the problem is, as the channel reported it (e.g. an input field path). */
    readonly field?: readonly string[],
  ) {
    super(message, channelCode);
  }
}

/** Anything else that will not succeed on retry: unexpected responses, unsupported requests. */
export class PermanentError extends ChannelError {
  readonly kind = 'permanent' as const;
}

export function isChannelError(error: unknown): error is ChannelError {
  return error instanceof ChannelError;
}
