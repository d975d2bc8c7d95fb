// Activities of orderWorkflow (SPEC §6): mirror its status in the database with the events that
// explain it (E-1), and tell the WMS (O-1) through the signed outbound webhook. Shipments to the
// channel are in shipments.ts; both groups are what the workflow proxies as OrderActivities.
import { ApplicationFailure } from '@temporalio/activity';
import type { Logger } from 'pino';
import type { WmsWebhookConfig } from '../config';
import type { Database } from '../db/client';
import { getConnection } from '../db/repositories/connections';
import { recordEvent, type IntegrationEventInput } from '../db/repositories/integration-events';
import { findOrder, linesOfOrder, markReleased, setOrderStatus, type OrderRow } from '../db/repositories/orders';
import { isTerminal } from '../domain/order-status';
import type { HoldReason, OrderAddress, OrderStatus } from '../domain/orders';
import { type InventoryWakeDeps, productsChanged } from '../temporal/inventory-workflows';
import { deliverWmsWebhook, WmsDeliveryRejectedError, WmsDeliveryRetryableError, type WmsOrder, type WmsWebhookEvent } from '../wms/outbound-webhook';
import { createShipmentActivities, type ShipmentActivityDeps } from './shipments';

export type { ShipmentOutcome } from './shipments';

export interface OrderActivityDeps extends ShipmentActivityDeps, InventoryWakeDeps {
  db: Database;
  log: Logger;
  /** null: no push; the WMS pulls released orders from the API. */
  wms: WmsWebhookConfig | null;
}

/** An integration event the workflow asks to write with its next status record. */
export type OrderEventNote = Pick<IntegrationEventInput, 'severity' | 'code' | 'message'> & { category?: IntegrationEventInput['category'] };

export type WmsNoticeOutcome = { delivered: 'delivered' | 'not_configured' | 'refused' };

/** What the WMS gets: the lines it has to ship, with the customer data a label needs. */
export async function wmsOrderOf(db: Database, order: OrderRow): Promise<WmsOrder> {
  const [connection, lines] = await Promise.all([getConnection(db, order.connectionId), linesOfOrder(db, order.id)]);
  return {
    id: order.id,
    connectionId: order.connectionId,
    channel: connection.channel,
    channelOrderId: order.channelOrderId,
    orderNumber: order.orderNumber,
    status: order.status,
    holdReason: order.holdReason,
    customerName: order.customerName,
    email: order.customerEmail,
    phone: order.customerPhone,
    shippingAddress: order.shippingAddress as OrderAddress | null,
    lines: lines.filter((l) => l.quantityToShip > 0 && l.sku).map((l) => ({ id: l.id, sku: l.sku!, title: l.title ?? l.sku!, quantity: l.quantityToShip })),
  };
}

/** The same notice always carries the same key (O-1 at-least-once): a release is one key for the order's life. */
export function wmsIdempotencyKey(orderId: string, event: WmsWebhookEvent, version: string): string {
  return event === 'order.released' ? `order:${orderId}:released` : `order:${orderId}:${event.slice('order.'.length)}:${version}`;
}

export function createOrderActivities(deps: OrderActivityDeps) {
  const { db } = deps;

  async function requireOrder(orderId: string): Promise<OrderRow> {
    const order = await findOrder(db, orderId);
    if (!order) throw ApplicationFailure.nonRetryable(`order ${orderId} does not exist`, 'permanent');
    return order;
  }

  return {
    ...createShipmentActivities(deps),

    async recordOrderStatus(input: { orderId: string; status: OrderStatus; holdReason: HoldReason | null; events: OrderEventNote[]; linesChangedInWms?: boolean }): Promise<void> {
      const { orderId, status, holdReason, events } = input;
      const order = await requireOrder(orderId);
      await setOrderStatus(db, orderId, status, holdReason, input.linesChangedInWms === true);
      if (isTerminal(status)) {
        // I-1: a shipped or cancelled order reserves nothing any more.
        const products = (await linesOfOrder(db, orderId)).flatMap((l) => (l.productId ? [l.productId] : []));
        await productsChanged(deps, products, `order ${order.orderNumber} ${status}`);
      }
      for (const note of events) {
        await recordEvent(db, { connectionId: order.connectionId, stream: 'orders', entityType: 'order', entityId: orderId, ...note });
      }
    },

    /**
     * O-1: marks a release and pushes the notice. A WMS that is down or slow is retried with the
     * activity's backoff (its Retry-After honoured); one that refuses the payload is recorded as
     * an error for ops, and the order stays listable for the WMS's pull.
     */
    async notifyWms({ orderId, event, version, occurredAt }: { orderId: string; event: WmsWebhookEvent; version: string; occurredAt: string }): Promise<WmsNoticeOutcome> {
      const order = await requireOrder(orderId);
      if (event === 'order.released') await markReleased(db, orderId);
      if (!deps.wms) return { delivered: 'not_configured' };
      const idempotencyKey = wmsIdempotencyKey(orderId, event, version);
      try {
        await deliverWmsWebhook({
          url: deps.wms.url,
          secret: deps.wms.secret,
          event,
          idempotencyKey,
          body: { occurredAt, order: await wmsOrderOf(db, order) },
          timeoutMs: deps.wms.timeoutMs,
        });
        return { delivered: 'delivered' };
      } catch (error) {
        if (error instanceof WmsDeliveryRetryableError) {
          throw ApplicationFailure.create({ message: error.message, type: 'transient', nonRetryable: false, ...(error.retryAfterMs ? { nextRetryDelay: error.retryAfterMs } : {}) });
        }
        if (error instanceof WmsDeliveryRejectedError) {
          await recordEvent(db, {
            connectionId: order.connectionId,
            stream: 'orders',
            entityType: 'order',
            entityId: orderId,
            severity: 'error',
            category: 'permanent',
            code: 'wms_refused',
            message: `the WMS refused ${event} for order ${order.orderNumber}: ${error.message}`,
            details: { event, idempotencyKey, status: error.status },
            groupKey: `orders:wms-refused:${orderId}:${event}`,
          });
          return { delivered: 'refused' };
        }
        throw error;
      }
    },
  };
}

export type OrderActivities = ReturnType<typeof createOrderActivities>;
