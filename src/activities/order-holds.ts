// E-2: a `data` problem is re-evaluated when its cause is fixed. Orders held because their
// products did not exist (OD-6 `hold`) are released by themselves once a product download has
// created every SKU they need, instead of waiting for someone to notice.
import type { Client } from '@temporalio/client';
import { and, eq } from 'drizzle-orm';
import type { Logger } from 'pino';
import type { Database } from '../db/client';
import { linesOfOrder } from '../db/repositories/orders';
import { findProductsBySku } from '../db/repositories/products';
import { orders } from '../db/schema';
import { releaseHoldUpdate, workflowIds } from '../definitions';

export interface OrderHoldDeps {
  db: Database;
  temporal: Client;
  log: Logger;
}

/** Releases this connection's `missing_products` holds whose SKUs all exist now; returns how many. */
export async function releaseResolvedProductHolds(deps: OrderHoldDeps, connection: { id: string; clientCode: string }): Promise<number> {
  const held = await deps.db
    .select()
    .from(orders)
    .where(and(eq(orders.connectionId, connection.id), eq(orders.status, 'on_hold'), eq(orders.holdReason, 'missing_products')));
  let released = 0;
  for (const order of held) {
    const skus = (await linesOfOrder(deps.db, order.id)).map((l) => l.sku).filter((s): s is string => s !== null);
    const known = await findProductsBySku(deps.db, connection.clientCode, skus);
    if (!skus.every((sku) => known.has(sku))) continue;
    try {
      await deps.temporal.workflow
        .getHandle(workflowIds.order(order.connectionId, order.channelOrderId))
        .executeUpdate(releaseHoldUpdate, { args: [{ by: 'storelink (its missing products now exist)' }] });
      released++;
    } catch (error) {
      // Someone changed the order meanwhile (released, cancelled): their decision stands.
      deps.log.info({ orderId: order.id, err: error }, 'missing-products hold not released automatically');
    }
  }
  return released;
}
