import { Client, Connection } from '@temporalio/client';
import type { Config } from './config';
import { temporalConnectionOptions } from './temporal/connection-options';

/**
 * What the API and the WMS side import: a connected Temporal client and the typed definitions
 * (signals, updates, queries, search attributes) shared with the workflows.
 */
export * from './definitions';

export interface StorelinkClient {
  client: Client;
  close(): Promise<void>;
}

export async function connectClient(temporal: Config['temporal']): Promise<StorelinkClient> {
  const connection = await Connection.connect({ ...temporalConnectionOptions(temporal), connectTimeout: '5s' });
  return {
    client: new Client({ connection, namespace: temporal.namespace }),
    close: () => connection.close(),
  };
}
