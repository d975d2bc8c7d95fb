// E-4 for inventory: a store whose inventory loop is stuck raises a health event. Stuck means
// listings are ready to push while the loop is not running, sits idle (it missed its wake-up),
// or has been pushing for longer than any healthy push takes (a call retried without end). A
// missed wake-up is also repaired: the loop is woken.
import { setTimeout as delay } from 'node:timers/promises';
import { WorkflowNotFoundError } from '@temporalio/client';
import type { ConnectionRow } from '../db/repositories/connections';
import { recordEvent, resolveEventGroups } from '../db/repositories/integration-events';
import { dirtyBacklog } from '../db/repositories/inventory';
import { inventoryStateQuery, type InventoryView, workflowIds } from '../definitions';
import { type InventoryWakeDeps, wakeInventoryLoop } from '../temporal/inventory-workflows';
import { storeNameOf } from './connection-context';

export const inventoryStallGroupKey = (connectionId: string) => `inventory:loop-stalled:${connectionId}`;

/** Longer than a push of a whole large catalogue at a standard plan's pace. */
const PUSHING_TOO_LONG_MS = 30 * 60_000;
/** A wake-up in flight reaches the loop well within this. */
const WAKE_GRACE_MS = 10_000;

export async function checkInventoryLoop(deps: InventoryWakeDeps & { inventoryWakeGraceMs?: number }, connection: ConnectionRow): Promise<{ stalled: boolean }> {
  const { db } = deps;
  const connectionId = connection.id;
  const loop = () => loopView(deps, connectionId);
  let backlog = await dirtyBacklog(db, connectionId);
  let view = await loop();
  let problem = backlog.ready > 0 ? stuckBecause(view, Date.now()) : null;
  if (problem && view?.state !== 'pushing') {
    // A change marked a moment ago may still be on its way to the loop: look again shortly.
    await delay(deps.inventoryWakeGraceMs ?? WAKE_GRACE_MS);
    backlog = await dirtyBacklog(db, connectionId);
    view = await loop();
    problem = backlog.ready > 0 ? stuckBecause(view, Date.now()) : null;
  }
  if (!problem) {
    await resolveEventGroups(db, [inventoryStallGroupKey(connectionId)]);
    return { stalled: false };
  }
  await recordEvent(db, {
    connectionId,
    stream: 'inventory',
    entityType: 'connection',
    entityId: connectionId,
    severity: 'error',
    category: 'transient',
    code: 'inventory_loop_stalled',
    message: `${backlog.ready} listing(s) wait to be pushed but the inventory loop ${problem}: see inventory:${connectionId} in the Temporal Web UI`,
    details: { backlog, state: view?.state ?? null, stateSince: view?.stateSince ?? null },
    groupKey: inventoryStallGroupKey(connectionId),
  });
  if (view?.state !== 'pushing') {
    await wakeInventoryLoop(deps.temporal, { connectionId, channel: connection.channel, storeName: storeNameOf(connection) }, deps, 'health check found listings waiting');
  }
  return { stalled: true };
}

function stuckBecause(view: InventoryView | null, now: number): string | null {
  if (!view || view.state === 'stopped') return 'is not running (woken now)';
  const since = view.stateSince ? Date.parse(view.stateSince) : now;
  if (view.state === 'idle') return 'is idle: it missed its wake-up (woken now)';
  if (view.state === 'pushing' && now - since > PUSHING_TOO_LONG_MS) return `has been pushing since ${view.stateSince} (a call keeps failing?)`;
  return null;
}

async function loopView(deps: InventoryWakeDeps, connectionId: string): Promise<InventoryView | null> {
  try {
    return await deps.temporal.workflow.getHandle(workflowIds.inventory(connectionId)).query(inventoryStateQuery);
  } catch (error) {
    if (error instanceof WorkflowNotFoundError) return null;
    throw error;
  }
}
