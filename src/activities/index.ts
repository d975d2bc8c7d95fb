import type { Client } from '@temporalio/client';
import type { Logger } from 'pino';
import type { WmsWebhookConfig } from '../config';
import type { Database } from '../db/client';
import type { SecretBox } from '../security/secret-box';
import { openChannelAdapter } from './channel-adapter';
import { createConnectionActivities } from './connections';
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
  };
}
