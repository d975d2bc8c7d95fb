// Activities of productsDownloadWorkflow: read the cursor, download and commit pages of products
// (P-1 … P-6, P-8), write the run summary (E-1). Each page is one transaction together with the
// cursor advance; the heartbeat after it carries the next page position, so a retried call
// resumes from the last committed page instead of the first.
import { Context } from '@temporalio/activity';
import type { Client } from '@temporalio/client';
import type { Logger } from 'pino';
import { z } from 'zod';
import { isChannelError, PermanentError, type ChannelProduct } from '../channels';
import type { Database } from '../db/client';
import { forgetStock, markListingsDirty } from '../db/repositories/inventory';
import { recordEvent, resolveEventGroups, type IntegrationEventInput } from '../db/repositories/integration-events';
import { findListingsByItemId, findListingsByProduct, insertListings, unlinkedListings, updateListing, type ListingChannelFields, type ListingInsert, type ListingRow } from '../db/repositories/listings';
import { createMissingProducts, findProductsBySku, updateProductFields } from '../db/repositories/products';
import { advanceHighWater, readHighWater } from '../db/repositories/sync-cursors';
import { supports } from '../domain/capabilities';
import { parseConnectionSettings } from '../domain/connection-settings';
import {
  addCounts,
  catalogItems,
  describeCounts,
  duplicateSkus,
  emptyCounts,
  linkDecision,
  pageHighWater,
  productChanges,
  productsUpdatedSince,
  type CatalogItem,
  type ExistingListing,
  type ProductsDownloadCounts,
} from '../domain/products';
import type { ProductPagesInput, ProductPagesResult, ProductsDownloadActivities, ProductsDownloadReport, ProductsDownloadStart } from '../workflows/products-download';
import { channelAdapterFor, loadConnection, type ChannelAdapterDeps, type ConnectionRow } from './channel-adapter';
import { toActivityFailure } from './channel-failures';
import { releaseResolvedProductHolds } from './order-holds';
import { storeNameOf } from './connection-context';

export interface ProductsActivityDeps extends ChannelAdapterDeps {
  log: Logger;
  /** to release orders whose missing products now exist (E-2) */
  temporal: Client;
  /** Wall-clock budget of one downloadProductPages call (default 60 s), well inside its timeouts. */
  pagesBudgetMs?: number;
}

/** One Shopify call may wait this long for its cost bucket before failing as throttled (retried after the wait). */
const MAX_THROTTLE_WAIT_MS = 20_000;

const countsSchema = z.object({
  pages: z.number(),
  productsSeen: z.number(),
  itemsSeen: z.number(),
  created: z.number(),
  updated: z.number(),
  listingsCreated: z.number(),
  relinked: z.number(),
  warnings: z.number(),
});
/** Heartbeat details: where the last committed page left off, and what was done so far. */
const heartbeatSchema = z.object({ cursor: z.string().nullable(), counts: countsSchema });
type PagesHeartbeat = z.infer<typeof heartbeatSchema>;

export function createProductsActivities(deps: ProductsActivityDeps): ProductsDownloadActivities {
  return {
    async beginProductsDownload(connectionId: string): Promise<ProductsDownloadStart> {
      const connection = await loadConnection(deps.db, connectionId);
      const storeName = storeNameOf(connection);
      const base = { channel: connection.channel, storeName, updatedSince: null };
      if (!supports(connection.channel, 'downloadProducts')) return { ...base, enabled: false, reason: `${connection.channel} has no products to download` };
      const settings = parseConnectionSettings(connection.settings, { channel: connection.channel, setupCompleted: connection.status === 'completed' });
      if (settings.ok && !settings.settings.downloadProducts) return { ...base, enabled: false, reason: 'Download Products is off for this connection' };
      const highWater = await readHighWater(deps.db, connectionId, 'products');
      return { ...base, enabled: true, reason: null, updatedSince: productsUpdatedSince(highWater) };
    },

    async downloadProductPages(input: ProductPagesInput): Promise<ProductPagesResult> {
      const ctx = Context.current();
      const resumed = heartbeatSchema.safeParse(ctx.info.heartbeatDetails);
      let position: PagesHeartbeat = resumed.success ? resumed.data : { cursor: input.cursor, counts: emptyCounts() };
      const log = deps.log.child({ connectionId: input.connectionId, workflowId: ctx.info.workflowExecution?.workflowId });
      if (resumed.success) log.info({ pages: position.counts.pages }, 'resuming product download from the last committed page');

      const connection = await loadConnection(deps.db, input.connectionId);
      const deadline = Date.now() + (deps.pagesBudgetMs ?? 60_000);
      try {
        const adapter = await channelAdapterFor(deps, connection, { maxThrottleWaitMs: MAX_THROTTLE_WAIT_MS });
        if (!adapter.fetchProductsPage) throw new PermanentError(`${connection.channel} adapter cannot download products`);
        for (let pages = 0; pages < input.maxPages && Date.now() < deadline; pages++) {
          ctx.cancellationSignal.throwIfAborted();
          const page = await adapter.fetchProductsPage({ updatedSince: input.updatedSince, cursor: position.cursor });
          const counts = await commitProductPage(deps.db, connection, page.items);
          position = { cursor: page.nextCursor, counts: addCounts(position.counts, counts) };
          ctx.heartbeat(position);
          if (page.nextCursor === null) return { cursor: null, done: true, counts: position.counts };
        }
        return { cursor: position.cursor, done: false, counts: position.counts };
      } catch (error) {
        throw await reportChannelFailure(deps.db, connection, error);
      }
    },

    async finishProductsDownload({ connectionId, counts, startedAt, updatedSince }): Promise<ProductsDownloadReport> {
      const unlinked = await unlinkedListings(deps.db, connectionId);
      const groupKey = `products:unlinked-listings:${connectionId}`;
      if (unlinked.length === 0) {
        await resolveEventGroups(deps.db, [groupKey]);
      } else {
        await recordEvent(deps.db, {
          connectionId,
          stream: 'products',
          entityType: 'listing',
          entityId: null,
          severity: 'warning',
          category: 'data',
          code: 'listings_unlinked',
          message: `${unlinked.length} listing${unlinked.length === 1 ? '' : 's'} of this store link to no product, so their stock is not synced: give the items a SKU on the store or link them to a product.`,
          details: { channelItemIds: unlinked.slice(0, 50).map((l) => l.channelItemId) },
          groupKey,
        });
      }
      const connection = await loadConnection(deps.db, connectionId);
      const heldReleased = await releaseResolvedProductHolds(deps, connection);
      await recordEvent(deps.db, {
        connectionId,
        stream: 'products',
        entityType: 'connection',
        entityId: connectionId,
        severity: 'info',
        code: 'products_download_completed',
        message: `Product download finished: ${describeCounts(counts)}.${heldReleased > 0 ? ` ${heldReleased} order${heldReleased === 1 ? '' : 's'} held for missing products released.` : ''}`,
        details: { ...counts, startedAt, updatedSince, unlinkedListings: unlinked.length },
      });
      return { unlinkedListings: unlinked.length };
    },
  };
}

/**
 * A channel failure that no retry will fix (auth, data, permanent) is logged once per cause for
 * people (E-2: grouped), then handed to Temporal; every failure leaves as its Temporal kind.
 */
async function reportChannelFailure(db: Database, connection: ConnectionRow, error: unknown): Promise<unknown> {
  if (isChannelError(error) && error.kind !== 'throttled' && error.kind !== 'transient') {
    await recordEvent(db, {
      connectionId: connection.id,
      stream: 'products',
      entityType: 'connection',
      entityId: connection.id,
      severity: 'error',
      category: error.kind,
      code: `products_download_${error.kind}`,
      message: `Product download stopped: ${error.message}`,
      details: { channelCode: error.channelCode ?? null },
      groupKey: `products:${error.kind}:${connection.id}`,
    }).catch(() => undefined); // the failure itself matters more than its log line
  }
  return toActivityFailure(error);
}

// ---- one page, one transaction

/** Desired listing columns for an item; never_sync and push state are never touched (P-6, I-5). */
function listingFields(item: CatalogItem, productId: string | null): ListingChannelFields {
  return {
    channelItemId: item.channelItemId,
    channelProductId: item.channelProductId,
    channelInventoryItemId: item.channelInventoryItemId,
    channelSku: item.channelSku,
    title: item.title,
    productId,
    inventoryTracked: item.inventoryTracked,
  };
}

function listingChanges(row: ListingRow, want: ListingChannelFields): Partial<ListingChannelFields> | null {
  const patch: Partial<ListingChannelFields> = {};
  for (const key of Object.keys(want) as (keyof ListingChannelFields)[]) {
    if (row[key] !== want[key]) Object.assign(patch, { [key]: want[key] });
  }
  return Object.keys(patch).length > 0 ? patch : null;
}

const asExisting = (l: Pick<ListingRow, 'channelItemId' | 'channelProductId' | 'createdAt' | 'updatedAt'>): ExistingListing => ({
  channelItemId: l.channelItemId,
  channelProductId: l.channelProductId,
  createdAt: l.createdAt,
  updatedAt: l.updatedAt,
});

/**
 * Stores one page: missing products created (P-1), changed ones updated (P-3), a listing per
 * item linked, re-linked (P-4) or added as a duplicate (P-5), warnings for items without SKU or
 * title (P-2), and the products cursor advanced to the page's latest change — all or nothing.
 */
export async function commitProductPage(db: Database, connection: ConnectionRow, page: readonly ChannelProduct[]): Promise<ProductsDownloadCounts> {
  return db.transaction(async (tx) => {
    const items = catalogItems(page);
    const counts: ProductsDownloadCounts = { ...emptyCounts(), pages: 1, productsSeen: page.length, itemsSeen: items.length };
    const events: IntegrationEventInput[] = [];
    const event = (e: Omit<IntegrationEventInput, 'connectionId' | 'stream'>) => events.push({ connectionId: connection.id, stream: 'products', ...e });

    // P-2: no SKU and no title → no product; the item is reported until it gets one.
    const noSkuKey = (itemId: string) => `products:no-sku:${connection.id}:${itemId}`;
    for (const item of items.filter((i) => i.sku === null)) {
      event({
        entityType: 'listing',
        entityId: item.channelItemId,
        severity: 'warning',
        category: 'data',
        code: 'product_without_sku',
        message: `Channel item ${item.channelItemId} (product ${item.channelProductId}) has neither a SKU nor a title: no product was created and its listing stays unlinked. Give it a SKU on the store.`,
        details: { channelItemId: item.channelItemId, channelProductId: item.channelProductId },
        groupKey: noSkuKey(item.channelItemId),
      });
    }
    await resolveEventGroups(tx, items.filter((i) => i.sku !== null).map((i) => noSkuKey(i.channelItemId)));

    // P-1: the first item of a SKU on the page describes a product that does not exist yet.
    const firstBySku = new Map<string, CatalogItem>();
    for (const item of items) if (item.sku !== null && !firstBySku.has(item.sku)) firstBySku.set(item.sku, item);
    const existing = await findProductsBySku(tx, connection.clientCode, [...firstBySku.keys()]);
    const missing = [...firstBySku.values()].filter((i) => !existing.has(i.sku!)).map((i) => ({ sku: i.sku!, fields: i.fields }));
    const { bySku: made, created } = await createMissingProducts(tx, connection.clientCode, missing);
    const products = new Map([...existing, ...made]);
    counts.created = created.size;

    // P-4 / P-5: link every item; listings created on this page count as live for the rest of it.
    const byItem = await findListingsByItemId(tx, connection.id, items.map((i) => i.channelItemId));
    const productIds = [...products.values()].map((p) => p.id);
    const byProduct = await findListingsByProduct(tx, connection.id, productIds);
    const pageItemIds = new Set(items.map((i) => i.channelItemId));
    const inserts: ListingInsert[] = [];
    const duplicates = new Set<string>();
    for (const item of items) {
      const productId = item.sku === null ? null : (products.get(item.sku)?.id ?? null);
      const want = listingFields(item, productId);
      const own = byItem.get(item.channelItemId);
      if (own) {
        const patch = listingChanges(own, want);
        if (patch) await updateListing(tx, own.id, patch);
        continue;
      }
      const linked = productId ? (byProduct.get(productId) ?? []) : [];
      const decision = linkDecision(item, linked.map(asExisting), pageItemIds);
      if (decision.kind === 'relink') {
        const listing = linked.find((l) => l.channelItemId === decision.listing.channelItemId)!;
        await updateListing(tx, listing.id, want);
        // I-4: nothing is known of the new item's stock; the next push reads it first.
        await forgetStock(tx, listing.id);
        await markListingsDirty(tx, [listing.id]);
        counts.relinked++;
        event({
          entityType: 'listing',
          entityId: listing.id,
          severity: 'info',
          code: 'listing_relinked',
          message: `SKU ${item.sku}: the store item was recreated (${listing.channelItemId} → ${item.channelItemId}); its listing now links the new item.`,
          details: { sku: item.sku, from: { channelItemId: listing.channelItemId, channelProductId: listing.channelProductId }, to: { channelItemId: item.channelItemId, channelProductId: item.channelProductId } },
          groupKey: `products:relinked:${listing.id}:${item.channelItemId}`,
        });
        Object.assign(listing, want);
        continue;
      }
      inserts.push({ connectionId: connection.id, ...want });
      if (productId) {
        const now = new Date();
        byProduct.set(productId, [...linked, { ...want, id: '', connectionId: connection.id, neverSync: false, inventoryDirtyGeneration: 0, inventoryPushedGeneration: 0, inventoryRetryAfter: null, inventorySkipReason: null, createdAt: now, updatedAt: now }]);
      }
    }
    // A SKU whose product has listings of more than one item on this store is a duplicate (P-5),
    // whether the second item arrived now or earlier.
    for (const item of items) {
      const productId = item.sku === null ? undefined : products.get(item.sku)?.id;
      const itemIds = new Set((productId ? (byProduct.get(productId) ?? []) : []).map((l) => l.channelItemId));
      if (item.sku && itemIds.size > 1) duplicates.add(item.sku);
    }
    counts.listingsCreated = await insertListings(tx, inserts);

    // P-5: one warning per duplicated SKU, counted (not repeated) when seen again.
    for (const sku of new Set([...duplicates, ...duplicateSkus(items).keys()])) {
      const productId = products.get(sku)?.id;
      const itemIds = [...new Set([...(productId ? (byProduct.get(productId) ?? []).map((l) => l.channelItemId) : []), ...items.filter((i) => i.sku === sku).map((i) => i.channelItemId)])];
      event({
        entityType: 'product',
        entityId: productId ?? null,
        severity: 'warning',
        category: 'data',
        code: 'duplicate_sku',
        message: `SKU ${sku} is used by ${itemIds.length} items on this store (${itemIds.join(', ')}); all of them link to the one product. Give each item its own SKU if they are different goods.`,
        details: { sku, channelItemIds: itemIds },
        groupKey: `products:duplicate-sku:${connection.id}:${sku}`,
      });
    }

    // P-3: product fields follow the item of the product's first listing on this store, so two
    // items sharing a SKU (P-5) do not overwrite each other on every run.
    const updatedIds = new Set<string>();
    for (const item of items) {
      const product = item.sku === null ? undefined : products.get(item.sku);
      if (!product || created.has(product.sku) || updatedIds.has(product.id)) continue;
      const primary = (byProduct.get(product.id) ?? [])[0];
      if (primary && primary.channelItemId !== item.channelItemId) continue;
      const patch = productChanges(product, item.fields);
      if (patch) {
        await updateProductFields(tx, product.id, patch);
        updatedIds.add(product.id);
      }
    }
    counts.updated = updatedIds.size;

    for (const e of events) await recordEvent(tx, e);
    counts.warnings = events.filter((e) => e.severity === 'warning').length;

    const highWater = pageHighWater(page);
    if (highWater) await advanceHighWater(tx, connection.id, 'products', highWater);
    return counts;
  });
}
