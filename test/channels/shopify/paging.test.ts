// OD-1 / P-8: paging 1,001 orders and 1,001 products whose updatedAt values tie across page
// boundaries loses none and duplicates none.
import type { ChannelOrder, ChannelProduct, Page } from '../../../src/channels/types';
import { ORDER_PAGE_SIZE, PRODUCT_PAGE_SIZE } from '../../../src/channels/shopify/documents';
import { createProduct } from '../../../emulators/shopify/catalog';
import { generateOrders, seedCatalog } from '../../../emulators/shopify/seed';
import { startHarness, type Harness } from './harness';

const T0 = Date.parse('2026-11-20T12:00:00Z');
let seedingClock: number | null = T0;
let h: Harness;

async function walk<T>(next: (cursor: string | null) => Promise<Page<T>>): Promise<T[][]> {
  const pages: T[][] = [];
  let cursor: string | null = null;
  do {
    const page: Page<T> = await next(cursor);
    pages.push(page.items);
    cursor = page.nextCursor;
  } while (cursor);
  return pages;
}

/** How many page boundaries fall between two items with the same updatedAt. */
function tiedBoundaries<T extends { updatedAt: string }>(pages: T[][]): number {
  let ties = 0;
  for (let i = 1; i < pages.length; i++) {
    const last = pages[i - 1]?.at(-1);
    const first = pages[i]?.[0];
    if (last && first && last.updatedAt === first.updatedAt) ties++;
  }
  return ties;
}

beforeAll(async () => {
  // Seed with a fixed clock (ties), then let the emulator run on real time for the bucket.
  h = await startHarness('paging.myshopify.com', { emulator: { now: () => seedingClock ?? Date.now() } });
  seedCatalog(h.emulator.store, h.shop, { products: 5 });
  generateOrders(h.emulator.store, h.shop, { count: 1001, perSecond: 60, start: T0 - 3_600_000, seed: 5 });
  for (let i = 0; i < 996; i++) {
    seedingClock = T0 - 1_800_000 + Math.floor(i / 50) * 1000;
    createProduct(h.emulator.store, h.shop, { title: `Tie product ${i}`, variants: [{ sku: `TIE-${i}` }] });
  }
  seedingClock = null;
});

afterAll(async () => {
  await h.close();
});

describe('keyset paging through the adapter', () => {
  it('OD-1 reads 1,001 orders with updatedAt ties across page boundaries: none lost, none duplicated', async () => {
    const adapter = h.adapter();
    const window = { updatedFrom: new Date(T0 - 4_000_000).toISOString(), updatedTo: new Date(T0).toISOString() };
    const pages = await walk<ChannelOrder>((cursor) => adapter.fetchOrdersPage({ ...window, cursor }));
    const ids = pages.flat().map((o) => o.channelOrderId);
    expect(pages).toHaveLength(Math.ceil(1001 / ORDER_PAGE_SIZE));
    expect(ids).toHaveLength(1001);
    expect(new Set(ids).size).toBe(1001);
    expect(new Set(ids)).toEqual(new Set([...h.shop.orders.keys()].map((id) => `gid://shopify/Order/${id}`)));
    expect(tiedBoundaries(pages)).toBeGreaterThan(5);
  });

  it('OD-1 an updated_at window returns exactly the orders inside it', async () => {
    const adapter = h.adapter();
    const from = new Date(T0 - 3_600_000 + 5_000).toISOString();
    const to = new Date(T0 - 3_600_000 + 14_000).toISOString();
    const pages = await walk<ChannelOrder>((cursor) => adapter.fetchOrdersPage({ updatedFrom: from, updatedTo: to, cursor }));
    const ids = pages.flat().map((o) => o.channelOrderId);
    expect(ids).toHaveLength(600); // seconds 5..14, 60 orders each
    expect(new Set(ids).size).toBe(600);
  });

  it('P-8 reads 1,001 products with updatedAt ties across page boundaries: none lost, none duplicated', async () => {
    const adapter = h.adapter();
    const pages = await walk<ChannelProduct>((cursor) => adapter.fetchProductsPage({ cursor }));
    const ids = pages.flat().map((p) => p.channelProductId);
    expect(h.shop.products.size).toBe(1001);
    expect(pages).toHaveLength(Math.ceil(1001 / PRODUCT_PAGE_SIZE));
    expect(ids).toHaveLength(1001);
    expect(new Set(ids).size).toBe(1001);
    expect(tiedBoundaries(pages)).toBeGreaterThan(5);
    const skus = pages.flat().flatMap((p) => p.variants.map((v) => v.sku));
    expect(skus).toContain('TIE-0');
    expect(skus).toContain('TIE-995');
  });

  it('P-8 incremental: only products updated at or after the given time', async () => {
    const adapter = h.adapter();
    // Skips the first 10 seconds of tie products (500); keeps the other 496 and the 5 catalogue products seeded at T0.
    const since = new Date(T0 - 1_800_000 + 10_000).toISOString();
    const pages = await walk<ChannelProduct>((cursor) => adapter.fetchProductsPage({ updatedSince: since, cursor }));
    const products = pages.flat();
    expect(products).toHaveLength(501);
    expect(new Set(products.map((p) => p.channelProductId)).size).toBe(501);
    expect(products.every((p) => Date.parse(p.updatedAt) >= Date.parse(since))).toBe(true);
  });
});
