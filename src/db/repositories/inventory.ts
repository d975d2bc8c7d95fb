import { and, asc, eq, gt, isNotNull, notInArray, sql, type SQL } from 'drizzle-orm';
import type { AnyPgColumn } from 'drizzle-orm/pg-core';
import type { OpenOrderLine as OpenOrderLineFact } from '../../domain/inventory';
import type { FactLevel, InventoryFacts } from '../../domain/inventory-targets';
import { TERMINAL_STATUSES } from '../../domain/order-status';
import type { Database } from '../client';
import type { ListingRow } from './listings';
import { connections, inventoryLevels, kitComponents, listings, listingStock, orderLines, orders, products } from '../schema';

/**
 * Inventory sync storage (SPEC §7): WMS levels (I-8), the dirty generations that wake the
 * connection loops (I-3), and per listing and location what the store holds as far as we know (I-4).
 */

export type LevelRow = typeof inventoryLevels.$inferSelect;
export type ListingStockRow = typeof listingStock.$inferSelect;

export interface LevelPost {
  productId: string;
  warehouseCode: string;
  onHand: number;
  allocated: number;
  asOf: Date;
}

/**
 * Many ids or rows travel as ONE jsonb parameter (`jsonb_array_elements_text`,
 * `jsonb_to_recordset`), never as one bound parameter each: a push of 10,000 listings binds a
 * handful of parameters instead of tens of thousands, whose building and binding took most of the
 * database time (bench N-3, docs/benchmarks.md). Rows per statement stay bounded all the same.
 */
const ROWS_PER_STATEMENT = 10_000;

/**
 * `column in (ids)`, the ids (uuids) in one jsonb parameter. A subquery, not `= any(array)`: the
 * planner hashes it or joins it, where an array that is not a constant is searched row by row.
 */
function inIds(column: AnyPgColumn, ids: readonly string[]): SQL {
  return sql`${column} in (select jsonb_array_elements_text(${JSON.stringify(ids)}::jsonb)::uuid)`;
}

/** Rows of a raw statement, on both drivers (PGlite and node-postgres both answer `{ rows }`). */
async function rowsOf<T>(db: Database, statement: SQL): Promise<T[]> {
  return ((await db.execute(statement)) as unknown as { rows: T[] }).rows;
}

/**
 * I-8: one statement per chunk, each row applied only when it is newer than the stored level (or
 * a same-time correction), so concurrent posts for one SKU end on the newest, whatever the order
 * they land in. Returns the keys that were applied.
 */
export async function upsertLevels(db: Database, posts: readonly LevelPost[]): Promise<Set<string>> {
  const applied = new Set<string>();
  for (let i = 0; i < posts.length; i += ROWS_PER_STATEMENT) {
    const chunk = posts.slice(i, i + ROWS_PER_STATEMENT).map((p) => ({ product_id: p.productId, warehouse_code: p.warehouseCode, on_hand: p.onHand, allocated: p.allocated, as_of: p.asOf.toISOString() }));
    const rows = await rowsOf<{ product_id: string; warehouse_code: string }>(
      db,
      sql`insert into ${inventoryLevels} (product_id, warehouse_code, on_hand, allocated, as_of, updated_at)
        select p.product_id, p.warehouse_code, p.on_hand, p.allocated, p.as_of, now()
        from jsonb_to_recordset(${JSON.stringify(chunk)}::jsonb) as p(product_id uuid, warehouse_code text, on_hand integer, allocated integer, as_of timestamptz)
        on conflict (product_id, warehouse_code) do update
          set on_hand = excluded.on_hand, allocated = excluded.allocated, as_of = excluded.as_of, updated_at = now()
          where ${inventoryLevels.asOf} < excluded.as_of
             or (${inventoryLevels.asOf} = excluded.as_of
                 and (${inventoryLevels.onHand}, ${inventoryLevels.allocated}) is distinct from (excluded.on_hand, excluded.allocated))
        returning product_id, warehouse_code`,
    );
    for (const r of rows) applied.add(levelKey(r.product_id, r.warehouse_code));
  }
  return applied;
}

export const levelKey = (productId: string, warehouseCode: string) => `${productId}\u0000${warehouseCode}`;

export async function levelsOf(db: Database, productIds: readonly string[]): Promise<LevelRow[]> {
  if (productIds.length === 0) return [];
  return db.select().from(inventoryLevels).where(inIds(inventoryLevels.productId, [...new Set(productIds)]));
}

/** Connections that push inventory now: completed, active, with inventory sync on. */
const syncsNow = () =>
  and(eq(connections.status, 'completed'), eq(connections.active, true), sql`(${connections.settings} ->> 'syncInventory')::boolean is true`);

/**
 * A mark adds one to the listing's dirty generation (never lost to a concurrent push) and ends a
 * wait after a stale push. Only listings of stores that sync now are marked: a store that turns
 * sync on later starts with nothing to push (I-3).
 */
async function markDirty(db: Database, which: SQL): Promise<string[]> {
  const syncing = db.select({ id: connections.id }).from(connections).where(syncsNow());
  const rows = await db
    .update(listings)
    .set({ inventoryDirtyGeneration: sql`${listings.inventoryDirtyGeneration} + 1`, inventoryRetryAfter: null })
    .where(and(which, sql`${listings.connectionId} in ${syncing}`))
    .returning({ connectionId: listings.connectionId });
  return rows.map((r) => r.connectionId);
}

/**
 * I-3: marks every listing whose quantity may follow these products (their own listings and the
 * listings of kits they are part of) and returns the connections whose loops should wake.
 */
export async function markProductsDirty(db: Database, productIds: readonly string[]): Promise<string[]> {
  const ids = [...new Set(productIds)];
  const touched = new Set<string>();
  for (let i = 0; i < ids.length; i += ROWS_PER_STATEMENT) {
    const chunk = ids.slice(i, i + ROWS_PER_STATEMENT);
    const kits = db.select({ id: kitComponents.kitProductId }).from(kitComponents).where(inIds(kitComponents.componentProductId, chunk));
    for (const id of await markDirty(db, sql`(${inIds(listings.productId, chunk)} or ${listings.productId} in ${kits})`)) touched.add(id);
  }
  return [...touched].sort();
}

/** Listings whose store quantity drifted (I-7), was re-linked (P-4) or syncs again (I-5). */
export async function markListingsDirty(db: Database, listingIds: readonly string[]): Promise<void> {
  for (let i = 0; i < listingIds.length; i += ROWS_PER_STATEMENT) await markDirty(db, inIds(listings.id, listingIds.slice(i, i + ROWS_PER_STATEMENT)));
}

/** Settings that change every quantity (buffer, minimum, method, locations): the whole store is dirty. */
export async function markConnectionDirty(db: Database, connectionId: string): Promise<void> {
  await markDirty(db, and(eq(listings.connectionId, connectionId), isNotNull(listings.productId))!);
}

/** Whether any store of this client pushes inventory now: otherwise nothing needs marking. */
export async function clientSyncsInventory(db: Database, clientCode: string): Promise<boolean> {
  const [row] = await db
    .select({ id: connections.id })
    .from(connections)
    .where(and(eq(connections.clientCode, clientCode), syncsNow()))
    .limit(1);
  return row !== undefined;
}

/** Of these connections, the ones that push inventory now. */
export async function syncingConnections(db: Database, connectionIds: readonly string[]): Promise<string[]> {
  if (connectionIds.length === 0) return [];
  const rows = await db
    .select({ id: connections.id })
    .from(connections)
    .where(and(inIds(connections.id, [...connectionIds]), syncsNow()));
  return rows.map((r) => r.id).sort();
}

/** What a push reads of a listing: the whole row. */
export type ListingRowForPush = ListingRow;

/** Dirty listings of a connection whose wait after a stale push (if any) is over, in id order. */
export async function dirtyListings(db: Database, connectionId: string, limit: number): Promise<ListingRowForPush[]> {
  return db
    .select()
    .from(listings)
    .where(
      and(
        eq(listings.connectionId, connectionId),
        gt(listings.inventoryDirtyGeneration, listings.inventoryPushedGeneration),
        sql`(${listings.inventoryRetryAfter} is null or ${listings.inventoryRetryAfter} <= now())`,
      ),
    )
    .orderBy(asc(listings.id))
    .limit(limit);
}

/** Dirty listings left, and when the first one waiting after a stale push is due (ms from now). */
export async function dirtyBacklog(db: Database, connectionId: string): Promise<{ ready: number; waiting: number; nextRetryInMs: number | null }> {
  const [row] = await db
    .select({
      ready: sql<number>`count(*) filter (where ${listings.inventoryRetryAfter} is null or ${listings.inventoryRetryAfter} <= now())`.mapWith(Number),
      waiting: sql<number>`count(*) filter (where ${listings.inventoryRetryAfter} > now())`.mapWith(Number),
      nextRetryInMs: sql<number | null>`ceil(extract(epoch from (min(${listings.inventoryRetryAfter}) filter (where ${listings.inventoryRetryAfter} > now()) - now())) * 1000)`,
    })
    .from(listings)
    .where(and(eq(listings.connectionId, connectionId), gt(listings.inventoryDirtyGeneration, listings.inventoryPushedGeneration)));
  return { ready: row?.ready ?? 0, waiting: row?.waiting ?? 0, nextRetryInMs: row?.nextRetryInMs === null || row?.nextRetryInMs === undefined ? null : Number(row.nextRetryInMs) };
}

/** A listing's evaluation is done up to `generation`; a later mark keeps it dirty. */
export async function settleListings(db: Database, settled: readonly { listingId: string; generation: number; skipReason: string | null }[]): Promise<void> {
  for (let i = 0; i < settled.length; i += ROWS_PER_STATEMENT) {
    const chunk = settled.slice(i, i + ROWS_PER_STATEMENT).map((s) => ({ listing_id: s.listingId, generation: s.generation, skip_reason: s.skipReason }));
    await db.execute(sql`
      update ${listings} set
        inventory_pushed_generation = greatest(${listings.inventoryPushedGeneration}, v.generation),
        inventory_skip_reason = v.skip_reason,
        inventory_retry_after = null
      from jsonb_to_recordset(${JSON.stringify(chunk)}::jsonb) as v(listing_id uuid, generation integer, skip_reason text)
      where ${listings.id} = v.listing_id`);
  }
}

/** I-4: stale items wait for pending orders to land before they are pushed again. */
export async function deferListings(db: Database, listingIds: readonly string[], retryAfterMs: number): Promise<void> {
  if (listingIds.length === 0) return;
  await db
    .update(listings)
    .set({ inventoryRetryAfter: sql`now() + ${`${retryAfterMs} milliseconds`}::interval` })
    .where(inIds(listings.id, [...new Set(listingIds)]));
}

export async function stockOf(db: Database, listingIds: readonly string[]): Promise<ListingStockRow[]> {
  if (listingIds.length === 0) return [];
  return db.select().from(listingStock).where(inIds(listingStock.listingId, [...new Set(listingIds)]));
}

export type PushBase = Pick<ListingStockRow, 'listingId' | 'channelLocationId' | 'channelQuantity' | 'lastPushedQuantity'>;

/** What a push needs of stockOf: the compare-and-swap base and the last pushed quantity (not the explain inputs). */
export async function pushBasesOf(db: Database, listingIds: readonly string[]): Promise<PushBase[]> {
  if (listingIds.length === 0) return [];
  return db
    .select({ listingId: listingStock.listingId, channelLocationId: listingStock.channelLocationId, channelQuantity: listingStock.channelQuantity, lastPushedQuantity: listingStock.lastPushedQuantity })
    .from(listingStock)
    .where(inIds(listingStock.listingId, [...new Set(listingIds)]));
}

export type StockWrite =
  | { kind: 'read'; listingId: string; channelLocationId: string; quantity: number }
  | { kind: 'pushed'; listingId: string; channelLocationId: string; quantity: number; inputs: unknown };

/** What we learnt of the store: a read sets the compare-and-swap base, a push also the pushed value. */
export async function recordStock(db: Database, writes: readonly StockWrite[]): Promise<void> {
  for (let i = 0; i < writes.length; i += ROWS_PER_STATEMENT) {
    const chunk = writes.slice(i, i + ROWS_PER_STATEMENT);
    const reads = chunk.flatMap((w) => (w.kind === 'read' ? [{ listing_id: w.listingId, channel_location_id: w.channelLocationId, quantity: w.quantity }] : []));
    const pushes = chunk.flatMap((w) => (w.kind === 'pushed' ? [{ listing_id: w.listingId, channel_location_id: w.channelLocationId, quantity: w.quantity, inputs: w.inputs ?? null }] : []));
    if (reads.length > 0) {
      await db.execute(sql`
        insert into ${listingStock} (listing_id, channel_location_id, channel_quantity, channel_quantity_source, channel_quantity_at)
        select w.listing_id, w.channel_location_id, w.quantity, 'read', now()
        from jsonb_to_recordset(${JSON.stringify(reads)}::jsonb) as w(listing_id uuid, channel_location_id text, quantity integer)
        on conflict (listing_id, channel_location_id) do update
          set channel_quantity = excluded.channel_quantity, channel_quantity_source = excluded.channel_quantity_source, channel_quantity_at = now()`);
    }
    if (pushes.length > 0) {
      await db.execute(sql`
        insert into ${listingStock} (listing_id, channel_location_id, channel_quantity, channel_quantity_source, channel_quantity_at, last_pushed_quantity, last_pushed_at, last_push_inputs)
        select w.listing_id, w.channel_location_id, w.quantity, 'pushed', now(), w.quantity, now(), w.inputs
        from jsonb_to_recordset(${JSON.stringify(pushes)}::jsonb) as w(listing_id uuid, channel_location_id text, quantity integer, inputs jsonb)
        on conflict (listing_id, channel_location_id) do update
          set channel_quantity = excluded.channel_quantity, channel_quantity_source = excluded.channel_quantity_source, channel_quantity_at = now(),
              last_pushed_quantity = excluded.last_pushed_quantity, last_pushed_at = now(), last_push_inputs = excluded.last_push_inputs`);
    }
  }
}

/** P-4: a listing re-linked to a recreated store item starts over: nothing is known of the new item. */
export async function forgetStock(db: Database, listingId: string): Promise<void> {
  await db.delete(listingStock).where(eq(listingStock.listingId, listingId));
}

export interface KitComponentRow {
  kitProductId: string;
  componentProductId: string;
  quantity: number;
}

export async function componentsOfKits(db: Database, kitProductIds: readonly string[]): Promise<KitComponentRow[]> {
  if (kitProductIds.length === 0) return [];
  return db.select().from(kitComponents).where(inIds(kitComponents.kitProductId, [...new Set(kitProductIds)]));
}

export async function productsById(db: Database, productIds: readonly string[]): Promise<Map<string, { id: string; sku: string; isKit: boolean }>> {
  if (productIds.length === 0) return new Map();
  const rows = await db.select({ id: products.id, sku: products.sku, isKit: products.isKit }).from(products).where(inIds(products.id, [...new Set(productIds)]));
  return new Map(rows.map((r) => [r.id, r]));
}

export interface OpenOrderLine {
  productId: string;
  quantityToShip: number;
  orderStatus: (typeof orders.$inferSelect)['status'];
  releasedAt: Date | null;
}

/**
 * I-1: lines of orders not shipped or cancelled, of these products or of kits containing them,
 * from every connection (one product's stock serves every store of the client).
 */
export async function openOrderLines(db: Database, productIds: readonly string[]): Promise<OpenOrderLine[]> {
  if (productIds.length === 0) return [];
  const ids = [...new Set(productIds)];
  const kits = db.select({ id: kitComponents.kitProductId }).from(kitComponents).where(inIds(kitComponents.componentProductId, ids));
  const rows = await db
    .select({ productId: orderLines.productId, quantityToShip: orderLines.quantityToShip, orderStatus: orders.status, releasedAt: orders.releasedAt })
    .from(orderLines)
    .innerJoin(orders, eq(orders.id, orderLines.orderId))
    .where(
      and(
        notInArray(orders.status, [...TERMINAL_STATUSES]),
        gt(orderLines.quantityToShip, 0),
        sql`(${inIds(orderLines.productId, ids)} or ${orderLines.productId} in ${kits})`,
      ),
    );
  return rows.filter((r): r is OpenOrderLine => r.productId !== null);
}

/**
 * Everything the I-1/I-2 rules need about these products, indexed for many listings at once:
 * the products and kit components, their levels, and the open order lines that reserve them.
 */
export async function loadInventoryFacts(db: Database, productIds: readonly string[]): Promise<InventoryFacts> {
  const products = await productsById(db, productIds);
  const components = groupComponents(await componentsOfKits(db, [...products.values()].filter((p) => p.isKit).map((p) => p.id)));
  const componentIds = [...components.values()].flatMap((list) => list.map((c) => c.productId)).filter((id) => !products.has(id));
  for (const [id, row] of await productsById(db, componentIds)) products.set(id, row);
  const all = [...products.keys()];

  const levels = new Map<string, FactLevel[]>();
  for (const l of await levelsOf(db, all)) {
    levels.set(l.productId, [...(levels.get(l.productId) ?? []), { productId: l.productId, warehouseCode: l.warehouseCode, onHand: l.onHand, allocated: l.allocated, asOf: l.asOf.getTime() }]);
  }

  const rows = await openOrderLines(db, all);
  const lineKits = groupComponents(await componentsOfKits(db, rows.map((r) => r.productId)));
  const openLines = new Map<string, OpenOrderLineFact[]>();
  const add = (productId: string, line: OpenOrderLineFact) => openLines.set(productId, [...(openLines.get(productId) ?? []), line]);
  for (const r of rows) {
    const kitComponents = lineKits.get(r.productId);
    const line: OpenOrderLineFact = { productId: r.productId, quantityToShip: r.quantityToShip, orderStatus: r.orderStatus, releasedAt: r.releasedAt?.getTime() ?? null, ...(kitComponents ? { kitComponents } : {}) };
    if (kitComponents) for (const c of kitComponents) add(c.productId, line);
    else add(r.productId, line);
  }
  return { products, components, levels, openLines };
}

function groupComponents(rows: readonly KitComponentRow[]): Map<string, { productId: string; quantity: number }[]> {
  const out = new Map<string, { productId: string; quantity: number }[]>();
  for (const r of rows) out.set(r.kitProductId, [...(out.get(r.kitProductId) ?? []), { productId: r.componentProductId, quantity: r.quantity }]);
  return out;
}

/** I-5 explain: the connection's listings of a SKU, by the product's SKU or the store's own. */
export async function listingsForSku(db: Database, connectionId: string, sku: string): Promise<ListingRowForPush[]> {
  const rows = await db
    .select({ listing: listings })
    .from(listings)
    .leftJoin(products, eq(products.id, listings.productId))
    .where(and(eq(listings.connectionId, connectionId), sql`(${products.sku} = ${sku} or ${listings.channelSku} = ${sku})`))
    .orderBy(asc(listings.channelItemId));
  return rows.map((r) => r.listing);
}
