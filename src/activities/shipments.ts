// Shipment info back to the channel (SPEC §6 S-1 … S-6, O-4): store the WMS shipment once, check
// the order may send it, map its SKUs to the channel's lines (kits back to the kit line), and
// create the fulfillment. The adapter looks for an existing fulfillment with the tracking number
// before creating one, so a retry after a crash between "created" and "recorded" sends nothing
// twice (S-2). Transient failures and throttling are thrown for Temporal to retry; refusals end
// as a `rejected`/`failed` shipment in the error queue with a re-send action.
import { ApplicationFailure, Context } from '@temporalio/activity';
import type { Logger } from 'pino';
import { isChannelError, PermanentError } from '../channels';
import type { Database } from '../db/client';
import { recordEvent, resolveEventGroups } from '../db/repositories/integration-events';
import { findOrder, linesOfOrder, type OrderRow } from '../db/repositories/orders';
import { kitComponentsOf, findProduct } from '../db/repositories/products';
import { setShipmentOutcome, shipmentsBefore, storeShipment, type ShipmentRow } from '../db/repositories/shipments';
import type { ShipmentPosted, ShipmentSendStatus } from '../definitions';
import { shipmentEligibility } from '../domain/orders';
import { mapShipmentLines, type OrderLineForShipment } from '../domain/shipments';
import { channelAdapterFor, loadConnection, type ChannelAdapterDeps } from './channel-adapter';
import { toActivityFailure } from './channel-failures';
import { storedSettings } from './connection-context';

export type ShipmentActivityDeps = ChannelAdapterDeps & { db: Database; log: Logger };

export interface ShipmentOutcome {
  status: Exclude<ShipmentSendStatus, 'pending'>;
  message: string | null;
  channelFulfillmentId: string | null;
  /** Every line of the order is covered by its shipments so far (the last one ships it, S-4). */
  allLinesShipped: boolean;
  /** The channel refused the connection's credentials (C-5): the workflow tells the connection. */
  credentialsRejected: boolean;
}

export interface SendShipmentInput {
  orderId: string;
  shipment: ShipmentPosted;
  resend: boolean;
}

/**
 * Heartbeats on a timer while `work` runs (the channel call included), so Temporal notices a dead
 * worker within the heartbeat timeout instead of the start-to-close one. A call shorter than a
 * third of the timeout sends no heartbeat at all. No timeout (scheduled by an older workflow
 * version): nothing to do.
 */
async function heartbeatWhile<T>(work: () => Promise<T>): Promise<T> {
  const context = Context.current();
  const timeoutMs = context.info.heartbeatTimeoutMs;
  if (!timeoutMs) return work();
  const timer = setInterval(() => context.heartbeat(), Math.max(1_000, timeoutMs / 3));
  try {
    return await work();
  } finally {
    clearInterval(timer);
  }
}

/** E-2: one open error per shipment; a successful re-send resolves it. */
export const shipmentErrorGroupKey = (shipmentId: string) => `shipments:send-error:${shipmentId}`;

export function createShipmentActivities(deps: ShipmentActivityDeps) {
  const { db } = deps;

  /** The order's lines as the mapping reads them, kits with their components (S-6). */
  async function shippableLines(order: OrderRow): Promise<OrderLineForShipment[]> {
    const lines = (await linesOfOrder(db, order.id)).filter((l) => l.quantityToShip > 0 && l.sku);
    return Promise.all(
      lines.map(async (l) => {
        const product = l.productId ? await findProduct(db, l.productId) : undefined;
        const kitComponents = product?.isKit ? await kitComponentsOf(db, product.id) : undefined;
        return { orderLineId: l.id, channelLineId: l.channelLineId, sku: l.sku!, quantityToShip: l.quantityToShip, shippedBefore: 0, ...(kitComponents ? { kitComponents } : {}) };
      }),
    );
  }

  /** Lines with what earlier shipments of the order already covered (replayed in posting order). */
  async function linesBefore(order: OrderRow, shipment: ShipmentRow): Promise<OrderLineForShipment[]> {
    const lines = await shippableLines(order);
    for (const earlier of await shipmentsBefore(db, order.id, shipment.id)) {
      const mapped = mapShipmentLines(lines, earlier.lines);
      if (!mapped.ok) continue; // a rejected earlier shipment covered nothing we can place
      for (const m of mapped.lines) lines.find((l) => l.orderLineId === m.orderLineId)!.shippedBefore += m.quantity;
    }
    return lines;
  }

  async function finish(order: OrderRow, shipment: ShipmentRow, outcome: ShipmentOutcome): Promise<ShipmentOutcome> {
    await setShipmentOutcome(db, shipment.id, outcome);
    const base = { connectionId: order.connectionId, stream: 'orders' as const, entityType: 'shipment' as const, entityId: shipment.id };
    const name = `shipment ${shipment.wmsShipmentId} of order ${order.orderNumber}`;
    if (outcome.status === 'sent') {
      await resolveEventGroups(db, [shipmentErrorGroupKey(shipment.id)]);
      await recordEvent(db, { ...base, severity: 'info', code: 'shipment_sent', message: `${name} sent to the store (${outcome.channelFulfillmentId})`, details: { channelFulfillmentId: outcome.channelFulfillmentId } });
    } else if (outcome.status === 'not_eligible') {
      await recordEvent(db, { ...base, severity: 'info', code: 'shipment_not_eligible', message: `${name} is not sent: ${outcome.message}` });
    } else {
      await recordEvent(db, {
        ...base,
        severity: 'error',
        category: outcome.credentialsRejected ? 'auth' : outcome.status === 'rejected' ? 'data' : 'permanent',
        code: outcome.status === 'rejected' ? 'shipment_rejected' : 'shipment_failed',
        message: `${name} was ${outcome.status} by the store: ${outcome.message}. Fix it on the store, then re-send (storelink orders resend ${order.id} ${shipment.wmsShipmentId}).`,
        details: { orderId: order.id, wmsShipmentId: shipment.wmsShipmentId },
        groupKey: shipmentErrorGroupKey(shipment.id),
      });
    }
    return outcome;
  }

  async function send({ orderId, shipment: posted, resend }: SendShipmentInput): Promise<ShipmentOutcome> {
    const order = await findOrder(db, orderId);
    if (!order) throw ApplicationFailure.nonRetryable(`order ${orderId} does not exist`, 'permanent');
    const shipment = await storeShipment(db, orderId, posted);
    const lines = await linesBefore(order, shipment);
    const mapping = mapShipmentLines(lines, posted.lines);
    const allLinesShipped = mapping.ok && mapping.allLinesShipped;
    const result = (status: ShipmentOutcome['status'], message: string | null, channelFulfillmentId: string | null = null, credentialsRejected = false): ShipmentOutcome => ({
      status,
      message,
      channelFulfillmentId,
      allLinesShipped,
      credentialsRejected,
    });
    // A retried call after the fulfillment was recorded: nothing more to do (S-2).
    if (shipment.status === 'sent' || shipment.status === 'not_eligible') return result(shipment.status, shipment.statusMessage, shipment.channelFulfillmentId);
    if (!resend && (shipment.status === 'rejected' || shipment.status === 'failed')) return result(shipment.status, shipment.statusMessage);

    const connection = await loadConnection(db, order.connectionId);
    const eligibility = shipmentEligibility({ origin: order.origin, linesChangedInWms: order.linesChangedInWms }, storedSettings(connection));
    if (!eligibility.eligible) return finish(order, shipment, result('not_eligible', eligibility.message));
    if (!mapping.ok) return finish(order, shipment, result('rejected', mapping.message));
    const tracking = posted.trackingNumbers[0];
    if (!tracking) return finish(order, shipment, result('rejected', 'the shipment has no tracking number, which the store needs to tell the customer'));

    try {
      const adapter = await channelAdapterFor(deps, connection);
      if (!adapter.sendShipment) throw new PermanentError(`${connection.channel} cannot receive shipment info`);
      const sent = await adapter.sendShipment({
        channelOrderId: order.channelOrderId,
        lines: mapping.lines.map((l) => ({ channelLineId: l.channelLineId, quantity: l.quantity })),
        tracking: { number: tracking, url: posted.trackingUrl, company: posted.carrier },
        notifyCustomer: storedSettings(connection).notifyCustomer,
      });
      return finish(order, shipment, result('sent', sent.status === 'already_sent' ? 'the store already had this tracking number' : null, sent.channelFulfillmentId));
    } catch (error) {
      if (!isChannelError(error) || error.kind === 'transient' || error.kind === 'throttled') throw toActivityFailure(error);
      return finish(order, shipment, result(error.kind === 'data' ? 'rejected' : 'failed', error.message, null, error.kind === 'auth'));
    }
  }

  return {
    async sendShipmentInfo(input: SendShipmentInput): Promise<ShipmentOutcome> {
      return heartbeatWhile(() => send(input));
    },
  };
}
