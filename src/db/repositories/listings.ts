import { and, eq, gt, inArray, isNotNull, isNull, sql } from 'drizzle-orm';
import type { Database } from '../client';
import { listings } from '../schema';

/** Links between channel items and products, unique by (connection, channel item id) (P-4, P-6). */

export type ListingRow = typeof listings.$inferSelect;
export type ListingInsert = Omit<typeof listings.$inferInsert, 'id' | 'createdAt' | 'updatedAt'>;
/** What a download may change on a listing; never_sync and push state belong to others (P-6, I-5). */
export type ListingChannelFields = Pick<
  ListingRow,
  'channelItemId' | 'channelProductId' | 'channelInventoryItemId' | 'channelSku' | 'title' | 'productId' | 'inventoryTracked'
>;

export async function findListingsByItemId(db: Database, connectionId: string, itemIds: readonly string[]): Promise<Map<string, ListingRow>> {
  if (itemIds.length === 0) return new Map();
  const rows = await db
    .select()
    .from(listings)
    .where(and(eq(listings.connectionId, connectionId), inArray(listings.channelItemId, [...new Set(itemIds)])));
  return new Map(rows.map((r) => [r.channelItemId, r]));
}

/** Listings of this connection linked to these products, by product id. */
export async function findListingsByProduct(db: Database, connectionId: string, productIds: readonly string[]): Promise<Map<string, ListingRow[]>> {
  const out = new Map<string, ListingRow[]>();
  if (productIds.length === 0) return out;
  const rows = await db
    .select()
    .from(listings)
    .where(and(eq(listings.connectionId, connectionId), inArray(listings.productId, [...new Set(productIds)])))
    .orderBy(listings.createdAt);
  for (const r of rows) {
    if (r.productId) out.set(r.productId, [...(out.get(r.productId) ?? []), r]);
  }
  return out;
}

export async function insertListings(db: Database, rows: readonly ListingInsert[]): Promise<number> {
  if (rows.length === 0) return 0;
  const inserted = await db
    .insert(listings)
    .values([...rows])
    .onConflictDoNothing({ target: [listings.connectionId, listings.channelItemId] })
    .returning({ id: listings.id });
  return inserted.length;
}

export async function updateListing(db: Database, listingId: string, patch: Partial<ListingChannelFields>): Promise<void> {
  await db
    .update(listings)
    .set({ ...patch, updatedAt: sql`now()` })
    .where(eq(listings.id, listingId));
}

/** P-6: listings that link to no product (sync skipped), for reports. */
export async function unlinkedListings(db: Database, connectionId: string): Promise<ListingRow[]> {
  return db
    .select()
    .from(listings)
    .where(and(eq(listings.connectionId, connectionId), isNull(listings.productId)));
}

export async function listingsOfProduct(db: Database, productId: string): Promise<ListingRow[]> {
  return db.select().from(listings).where(eq(listings.productId, productId)).orderBy(listings.connectionId, listings.channelItemId);
}

/** A connection's listings, optionally only linked or only unlinked ones, in channel item order. */
export async function listListings(
  db: Database,
  query: { connectionId: string; linked?: boolean; limit: number; afterChannelItemId?: string },
): Promise<ListingRow[]> {
  const conditions = [
    eq(listings.connectionId, query.connectionId),
    query.linked === undefined ? undefined : query.linked ? isNotNull(listings.productId) : isNull(listings.productId),
    query.afterChannelItemId ? gt(listings.channelItemId, query.afterChannelItemId) : undefined,
  ].filter((c) => c !== undefined);
  return db
    .select()
    .from(listings)
    .where(and(...conditions))
    .orderBy(listings.channelItemId)
    .limit(query.limit);
}

/** I-5: the "Never Sync" toggle of a listing; null when there is no such listing. */
export async function setNeverSync(db: Database, listingId: string, neverSync: boolean): Promise<ListingRow | null> {
  const [row] = await db
    .update(listings)
    .set({ neverSync, updatedAt: sql`now()` })
    .where(eq(listings.id, listingId))
    .returning();
  return row ?? null;
}
