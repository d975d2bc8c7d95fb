import type { Client } from '@temporalio/client';
import { TypedSearchAttributes } from '@temporalio/common';
import type { Database } from '../db/client';
import { findConnection, storeNameOf } from '../db/repositories/connections';
import { markConnectionDirty, markProductsDirty, syncingConnections } from '../db/repositories/inventory';
import { DEFAULT_INVENTORY_COALESCE_MS, inventoryDirtySignal, type InventoryWorkflowInput, searchAttributes, workflowIds, workflowTypes } from '../definitions';

/**
 * How changes reach a connection's inventory loop (I-3): signal-with-start, so the first change
 * starts the loop and later ones only wake it. Many wake-ups of a running loop cost one signal
 * each and coalesce inside it.
 */

export interface InventoryLoopTarget {
  connectionId: string;
  channel: string;
  storeName: string;
}

export interface InventoryLoopOptions {
  taskQueue: string;
  /** default DEFAULT_INVENTORY_COALESCE_MS */
  inventoryCoalesceMs?: number;
}

export async function wakeInventoryLoop(client: Client, target: InventoryLoopTarget, options: InventoryLoopOptions, reason: string): Promise<void> {
  const input: InventoryWorkflowInput = { connectionId: target.connectionId, coalesceMs: options.inventoryCoalesceMs ?? DEFAULT_INVENTORY_COALESCE_MS };
  await client.workflow.signalWithStart(workflowTypes.inventory, {
    workflowId: workflowIds.inventory(target.connectionId),
    taskQueue: options.taskQueue,
    args: [input],
    signal: inventoryDirtySignal,
    signalArgs: [{ reason }],
    typedSearchAttributes: new TypedSearchAttributes([
      { key: searchAttributes.connectionId, value: target.connectionId },
      { key: searchAttributes.channel, value: target.channel },
      { key: searchAttributes.storeName, value: target.storeName },
    ]),
    staticSummary: `Inventory sync of ${target.storeName}`,
  });
}

export interface InventoryWakeDeps extends InventoryLoopOptions {
  db: Database;
  temporal: Client;
}

/** I-3: the listings these products move are marked dirty, and the loops of the stores that sync wake. */
export async function productsChanged(deps: InventoryWakeDeps, productIds: readonly string[], reason: string): Promise<string[]> {
  const connectionIds = await markProductsDirty(deps.db, productIds);
  await wakeConnections(deps, connectionIds, reason);
  return connectionIds;
}

/** A setting that moves every quantity of the store (buffer, minimum, method, locations) changed. */
export async function connectionInventoryChanged(deps: InventoryWakeDeps, connectionId: string, reason: string): Promise<void> {
  await markConnectionDirty(deps.db, connectionId);
  await wakeConnections(deps, await syncingConnections(deps.db, [connectionId]), reason);
}

export async function wakeConnections(deps: InventoryWakeDeps, connectionIds: readonly string[], reason: string): Promise<void> {
  for (const connectionId of connectionIds) {
    const row = await findConnection(deps.db, connectionId);
    if (!row) continue;
    await wakeInventoryLoop(deps.temporal, { connectionId, channel: row.channel, storeName: storeNameOf(row) }, deps, reason);
  }
}
