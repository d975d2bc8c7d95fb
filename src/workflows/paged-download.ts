// What the download workflows (products, orders) share: how their activities are sized and
// retried, how long a run goes before continuing as new, and telling the connection when the
// channel refused the credentials (C-5).
import type { ActivityOptions } from '@temporalio/workflow';
import { isAuthFailure, tellConnectionCredentialsRejected } from './connection-signals';

export const DEFAULT_PAGES_PER_ACTIVITY = 100;
export const DEFAULT_ACTIVITIES_PER_RUN = 25;

// Every activity is short compared with its timeouts: begin/finish are a few queries; a pages
// call stops after ~1 minute of pages and heartbeats after every committed page.
export const beginFinishOptions: ActivityOptions = {
  startToCloseTimeout: '1 minute',
  retry: { initialInterval: '1 second', maximumInterval: '1 minute' },
};
export const pagesOptions: ActivityOptions = {
  startToCloseTimeout: '10 minutes',
  heartbeatTimeout: '2 minutes',
  retry: { initialInterval: '1 second', maximumInterval: '1 minute' },
};

/** Runs a download; an `auth` failure is reported to the connection workflow before it fails the run. */
export async function reportingRejectedCredentials<T>(connectionId: string, source: string, run: () => Promise<T>): Promise<T> {
  try {
    return await run();
  } catch (error) {
    if (isAuthFailure(error)) await tellConnectionCredentialsRejected(connectionId, error.cause.message, source);
    throw error;
  }
}
