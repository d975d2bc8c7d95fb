import type { Client } from '@temporalio/client';
import type { Logger } from 'pino';
import type { WmsWebhookConfig } from '../config';
import type { Database } from '../db/client';
import type { SecretBox } from '../security/secret-box';
import { openChannelAdapter } from './channel-adapter';
import { createConnectionActivities } from './connections';
import { createInventoryActivities } from './inventory';
import { createOrderActivities } from './orders';
import { createOrdersDownloadActivities } from './orders-download';
import { createProductsActivities } from './products';

/** What activities need from the process: they load credentials and data by id, never from their arguments. */
export interface ActivityDependencies {
  db: Database;
  secrets: SecretBox;
  log: Logger;
  /** for the schedules a connection owns */
  temporal: Client;
  taskQueue: string;
  /** O-1 push to the WMS; null when the WMS pulls */
  wms: WmsWebhookConfig | null;
  /** I-3: the coalescing window of inventory loops these activities start (default 1 s) */
  inventoryCoalesceMs?: number;
  /** I-4: how long a listing whose push was stale waits for pending orders (default 30 s) */
  inventoryStaleRetryMs?: number;
  /** E-4: how long the health check gives a wake-up in flight (default 10 s) */
  inventoryWakeGraceMs?: number;
}

/** Every activity the worker registers, bound to its dependencies, grouped by concern. */
export function createActivities(deps: ActivityDependencies) {
  const { db, secrets, log } = deps;
  return {
    ...createConnectionActivities({
      ...deps,
      openAdapter: (connectionId, slot) => openChannelAdapter({ db, secrets, log }, connectionId, { slot }),
    }),
    ...createProductsActivities({ db, secrets, log, temporal: deps.temporal }),
    ...createOrdersDownloadActivities(deps),
    ...createOrderActivities(deps),
    ...createInventoryActivities(deps),
  };
}
