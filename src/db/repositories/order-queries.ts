import { and, asc, eq, gte, sql, type SQL } from 'drizzle-orm';
import type { OrderStatus } from '../../domain/order-status';
import type { Database } from '../client';
import { orders } from '../schema';
import { exactTimestamp, type KeysetPosition } from './keyset';
import type { OrderRow } from './orders';

/** Read side of orders for the API: filtered lists in (updated_at, id) order (O-1 pull, SPEC §9). */

export interface OrderListFilter {
  status?: OrderStatus;
  connectionId?: string;
  /** inclusive: a poller passing the last updatedAt it saw may see that order again, never miss one */
  updatedSince?: Date;
  orderNumber?: string;
  limit: number;
  after?: KeysetPosition<string>;
}

export type ListedOrder = OrderRow & { cursorAt: string };

/** Oldest change first, so a WMS pulling released orders pages forward as orders change. */
export async function listOrders(db: Database, filter: OrderListFilter): Promise<ListedOrder[]> {
  const where: (SQL | undefined)[] = [
    filter.status ? eq(orders.status, filter.status) : undefined,
    filter.connectionId ? eq(orders.connectionId, filter.connectionId) : undefined,
    filter.updatedSince ? gte(orders.updatedAt, filter.updatedSince) : undefined,
    filter.orderNumber ? eq(orders.orderNumber, filter.orderNumber) : undefined,
    filter.after ? sql`(${orders.updatedAt}, ${orders.id}) > (${filter.after.at}::timestamptz, ${filter.after.id}::uuid)` : undefined,
  ];
  return db
    .select({ order: orders, cursorAt: exactTimestamp(orders.updatedAt) })
    .from(orders)
    .where(and(...where))
    .orderBy(asc(orders.updatedAt), asc(orders.id))
    .limit(filter.limit)
    .then((rows) => rows.map((r) => ({ ...r.order, cursorAt: r.cursorAt })));
}
