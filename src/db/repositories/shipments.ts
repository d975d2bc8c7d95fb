import { and, asc, eq, inArray, ne, sql } from 'drizzle-orm';
import type { ShipmentPosted, ShipmentSendStatus } from '../../definitions';
import type { Database } from '../client';
import { shipmentLines, shipments } from '../schema';

/** WMS shipments of an order (O-3), unique by (order, WMS shipment id), and what sending them did (S-1 … S-5). */

export type ShipmentRow = typeof shipments.$inferSelect;
export type ShipmentLineRow = typeof shipmentLines.$inferSelect;

/** Stores a posted shipment once; a repeat (same WMS id) returns the stored row unchanged. */
export async function storeShipment(db: Database, orderId: string, shipment: ShipmentPosted): Promise<ShipmentRow> {
  return db.transaction(async (tx) => {
    const [inserted] = await tx
      .insert(shipments)
      .values({
        orderId,
        wmsShipmentId: shipment.wmsShipmentId,
        carrier: shipment.carrier,
        service: shipment.service,
        trackingNumbers: shipment.trackingNumbers,
        trackingUrl: shipment.trackingUrl,
        shippedAt: new Date(shipment.shippedAt),
      })
      .onConflictDoNothing({ target: [shipments.orderId, shipments.wmsShipmentId] })
      .returning();
    if (inserted) {
      const bySku = new Map<string, number>();
      for (const line of shipment.lines) bySku.set(line.sku, (bySku.get(line.sku) ?? 0) + line.quantity);
      await tx.insert(shipmentLines).values([...bySku].map(([sku, quantity]) => ({ shipmentId: inserted.id, sku, quantity })));
      return inserted;
    }
    const [existing] = await tx
      .select()
      .from(shipments)
      .where(and(eq(shipments.orderId, orderId), eq(shipments.wmsShipmentId, shipment.wmsShipmentId)));
    return existing!;
  });
}

export async function setShipmentOutcome(
  db: Database,
  shipmentId: string,
  outcome: { status: ShipmentSendStatus; message: string | null; channelFulfillmentId?: string | null },
): Promise<void> {
  await db
    .update(shipments)
    .set({
      status: outcome.status,
      statusMessage: outcome.message,
      ...(outcome.channelFulfillmentId ? { channelFulfillmentId: outcome.channelFulfillmentId } : {}),
      ...(outcome.status === 'sent' ? { sentAt: sql`coalesce(${shipments.sentAt}, now())` } : {}),
      updatedAt: sql`now()`,
    })
    .where(eq(shipments.id, shipmentId));
}

/** Earlier shipments of the order with their lines, oldest first (what was shipped before this one). */
export async function shipmentsBefore(db: Database, orderId: string, exceptShipmentId: string): Promise<{ shipment: ShipmentRow; lines: ShipmentLineRow[] }[]> {
  const rows = await db
    .select()
    .from(shipments)
    .where(and(eq(shipments.orderId, orderId), ne(shipments.id, exceptShipmentId), sql`${shipments.createdAt} <= (select created_at from shipments where id = ${exceptShipmentId})`))
    .orderBy(asc(shipments.createdAt), asc(shipments.id));
  return withLines(db, rows);
}

export async function shipmentsOfOrder(db: Database, orderId: string): Promise<{ shipment: ShipmentRow; lines: ShipmentLineRow[] }[]> {
  const rows = await db.select().from(shipments).where(eq(shipments.orderId, orderId)).orderBy(asc(shipments.createdAt), asc(shipments.id));
  return withLines(db, rows);
}

async function withLines(db: Database, rows: ShipmentRow[]): Promise<{ shipment: ShipmentRow; lines: ShipmentLineRow[] }[]> {
  if (rows.length === 0) return [];
  const lines = await db.select().from(shipmentLines).where(inArray(shipmentLines.shipmentId, rows.map((r) => r.id)));
  return rows.map((shipment) => ({ shipment, lines: lines.filter((l) => l.shipmentId === shipment.id) }));
}
