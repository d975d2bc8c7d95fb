import type { Logger } from 'pino';
import type { Database } from '../db/client';
import type { SecretBox } from '../security/secret-box';

/** What activities need from the process: they load credentials and data by id, never from their arguments. */
export interface ActivityDependencies {
  db: Database;
  secrets: SecretBox;
  log: Logger;
}

/**
 * All activities, bound to their dependencies. Grouped by concern (connections, orders, shipments,
 * inventory) as their issues land; until then the worker registers none.
 */
export function createActivities(_deps: ActivityDependencies): Record<string, (...args: never[]) => Promise<unknown>> {
  return {};
}
