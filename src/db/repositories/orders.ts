import { and, asc, eq, lte, sql } from 'drizzle-orm';
import type { IntakeLine } from '../../domain/order-intake';
import type { OrderAddress } from '../../domain/order-intake';
import type { HoldReason, OrderStatus } from '../../domain/order-status';
import type { Database } from '../client';
import { orderLines, orders } from '../schema';

/** Orders and their lines (SPEC §5, §6), unique by (connection, channel order id): the intake's idempotency. */

export type OrderRow = typeof orders.$inferSelect;
export type OrderLineRow = typeof orderLines.$inferSelect;

export interface NewImportedOrder {
  connectionId: string;
  channelOrderId: string;
  orderNumber: string;
  status: OrderStatus;
  holdReason: HoldReason | null;
  financialStatus: string;
  fulfillmentStatus: string;
  locationId: string | null;
  tags: string[];
  channelUpdatedAt: Date;
  channelCreatedAt: Date;
  customerName: string | null;
  customerEmail: string | null;
  customerPhone: string | null;
  shippingAddress: OrderAddress | null;
  /** Released lines and, under `partial`, omitted ones (stored with quantity 0 to ship). */
  lines: readonly (IntakeLine & { productId: string | null; released: boolean })[];
}

export async function findOrderByChannelId(db: Database, connectionId: string, channelOrderId: string): Promise<OrderRow | undefined> {
  const [row] = await db
    .select()
    .from(orders)
    .where(and(eq(orders.connectionId, connectionId), eq(orders.channelOrderId, channelOrderId)));
  return row;
}

export async function findOrder(db: Database, orderId: string): Promise<OrderRow | undefined> {
  const [row] = await db.select().from(orders).where(eq(orders.id, orderId));
  return row;
}

export async function linesOfOrder(db: Database, orderId: string): Promise<OrderLineRow[]> {
  return db.select().from(orderLines).where(eq(orderLines.orderId, orderId)).orderBy(asc(orderLines.channelLineId));
}

/**
 * Stores a first-seen order with its lines in one transaction. Returns null when the order was
 * already there: a webhook and a poll racing on one order store it once, and only the winner
 * starts its workflow.
 */
export async function insertImportedOrder(db: Database, order: NewImportedOrder): Promise<OrderRow | null> {
  return db.transaction(async (tx) => {
    const { lines, ...header } = order;
    const [row] = await tx
      .insert(orders)
      .values({ ...header, origin: 'channel' })
      .onConflictDoNothing({ target: [orders.connectionId, orders.channelOrderId] })
      .returning();
    if (!row) return null;
    if (lines.length > 0) {
      await tx.insert(orderLines).values(
        lines.map((line) => ({
          orderId: row.id,
          channelLineId: line.channelLineId,
          sku: line.sku,
          productId: line.productId,
          title: line.title,
          quantity: line.quantity,
          quantityToShip: line.released ? line.quantityToShip : 0,
        })),
      );
    }
    return row;
  });
}

export interface NewManualOrder {
  connectionId: string;
  orderNumber: string;
  customerName: string | null;
  customerEmail: string | null;
  customerPhone: string | null;
  shippingAddress: OrderAddress | null;
  lines: readonly { sku: string; title: string | null; quantity: number; productId: string | null }[];
}

/**
 * O-4: an order the WMS created itself, recorded so its shipments have an order to belong to. It
 * is in the WMS already (released); its channel order id is `wms:<order number>`, so the WMS can
 * repeat the call safely: a repeat returns the stored order (`created: false`).
 */
export async function insertManualOrder(db: Database, order: NewManualOrder): Promise<{ row: OrderRow; created: boolean }> {
  return db.transaction(async (tx) => {
    const now = new Date();
    const { lines, ...header } = order;
    const channelOrderId = `wms:${order.orderNumber}`;
    const [row] = await tx
      .insert(orders)
      .values({ ...header, channelOrderId, origin: 'wms_manual', status: 'open', channelUpdatedAt: now, releasedAt: now })
      .onConflictDoNothing({ target: [orders.connectionId, orders.channelOrderId] })
      .returning();
    if (!row) {
      const [existing] = await tx.select().from(orders).where(and(eq(orders.connectionId, order.connectionId), eq(orders.channelOrderId, channelOrderId)));
      return { row: existing!, created: false };
    }
    await tx.insert(orderLines).values(
      lines.map((line, i) => ({ orderId: row.id, channelLineId: `wms-line-${i + 1}`, sku: line.sku, productId: line.productId, title: line.title, quantity: line.quantity, quantityToShip: line.quantity })),
    );
    return { row, created: true };
  });
}

export interface OrderChangeWrite {
  channelUpdatedAt: Date;
  financialStatus: string;
  fulfillmentStatus: string;
  tags?: string[];
  customerName?: string | null;
  shippingAddress?: OrderAddress | null;
  lines?: readonly (IntakeLine & { productId: string | null })[];
}

/**
 * Records a channel version (OD-1, OD-8) unless a newer one was recorded first. Equal stamps pass:
 * a change within the same second is a new version (the caller compared contents). Two racing
 * readers of one change may both pass and signal; the workflow applies the repeat as a no-op.
 */
export async function recordChannelVersion(db: Database, orderId: string, change: OrderChangeWrite): Promise<boolean> {
  return db.transaction(async (tx) => {
    const { lines, ...fields } = change;
    const updated = await tx
      .update(orders)
      .set({ ...fields, updatedAt: sql`now()` })
      .where(and(eq(orders.id, orderId), lte(orders.channelUpdatedAt, change.channelUpdatedAt)))
      .returning({ id: orders.id });
    if (updated.length === 0) return false;
    if (lines) {
      // Lines are replaced by channel line id; a removed line keeps its row with nothing to ship.
      await tx.update(orderLines).set({ quantity: 0, quantityToShip: 0 }).where(eq(orderLines.orderId, orderId));
      for (const line of lines) {
        await tx
          .insert(orderLines)
          .values({ orderId, channelLineId: line.channelLineId, sku: line.sku, productId: line.productId, title: line.title, quantity: line.quantity, quantityToShip: line.quantityToShip })
          .onConflictDoUpdate({
            target: [orderLines.orderId, orderLines.channelLineId],
            set: { sku: line.sku, productId: line.productId, title: line.title, quantity: line.quantity, quantityToShip: line.quantityToShip },
          });
      }
    }
    return true;
  });
}

/**
 * Our own write to the channel order (the tag after import, OD-12) gave it a newer updated-at:
 * the stored version moves with it, so webhooks and re-reads caused by that write are no news.
 * A real change made between our read and our write carries the same stamp and still differs in
 * content, which the intake compares (OD-1).
 */
export async function recordOwnWrite(db: Database, orderId: string, channelUpdatedAt: Date): Promise<void> {
  await db
    .update(orders)
    .set({ channelUpdatedAt: sql`greatest(${orders.channelUpdatedAt}, ${channelUpdatedAt.toISOString()}::timestamptz)` })
    .where(eq(orders.id, orderId));
}

export async function markWorkflowStarted(db: Database, orderId: string): Promise<void> {
  await db.update(orders).set({ workflowStartedAt: sql`now()` }).where(eq(orders.id, orderId));
}

/** The order workflow's status, mirrored for the API and the WMS pull (O-1). */
export async function setOrderStatus(db: Database, orderId: string, status: OrderStatus, holdReason: HoldReason | null, linesChangedInWms = false): Promise<void> {
  const terminal = status === 'shipped' || status === 'cancelled';
  const started = status === 'in_progress' || status === 'partially_shipped';
  await db
    .update(orders)
    .set({
      status,
      holdReason,
      updatedAt: sql`now()`,
      ...(started ? { wmsStartedAt: sql`coalesce(${orders.wmsStartedAt}, now())` } : {}),
      ...(terminal ? { terminalAt: sql`coalesce(${orders.terminalAt}, now())` } : {}),
      // O-4: once changed in the WMS, an order stays ineligible for shipment info
      ...(linesChangedInWms ? { linesChangedInWms: true } : {}),
    })
    .where(eq(orders.id, orderId));
}

export async function markReleased(db: Database, orderId: string): Promise<void> {
  await db
    .update(orders)
    .set({ releasedAt: sql`coalesce(${orders.releasedAt}, now())`, updatedAt: sql`now()` })
    .where(eq(orders.id, orderId));
}
