// Keyset pagination over second-precision updatedAt with many ties: a full walk with
// first:250 returns every item exactly once, even when page boundaries fall inside a tie
// and items change between page requests.
import { EmulatorClient } from '../../../emulators/shopify/client';
import { createProduct } from '../../../emulators/shopify/catalog';
import { updateOrder } from '../../../emulators/shopify/orders';
import { generateOrders, seedCatalog } from '../../../emulators/shopify/seed';
import { startShopifyEmulator, type ShopifyEmulator } from '../../../emulators/shopify/server';
import type { ShopState } from '../../../emulators/shopify/store';

const SHOP = 'paging.myshopify.com';
const TOKEN = 'tok';
const T0 = Date.parse('2026-11-01T12:00:00Z');
let clock = T0;
let emulator: ShopifyEmulator;
let client: EmulatorClient;
let shop: ShopState;

interface Page {
  edges: { cursor: string; node: { id: string; updatedAt: string } }[];
  pageInfo: { hasNextPage: boolean; endCursor: string | null };
}

const ORDERS = `query Orders($after: String, $query: String) {
  orders(first: 250, after: $after, query: $query, sortKey: UPDATED_AT) {
    edges { cursor node { id updatedAt } }
    pageInfo { hasNextPage endCursor }
  }
}`;
const PRODUCTS = `query Products($after: String, $query: String) {
  products(first: 250, after: $after, query: $query, sortKey: UPDATED_AT) {
    edges { cursor node { id updatedAt } }
    pageInfo { hasNextPage endCursor }
  }
}`;

async function walk(
  query: string,
  root: 'orders' | 'products',
  search?: string,
  between?: (page: number) => void,
): Promise<{ ids: string[]; keys: [number, number][]; pages: number }> {
  const ids: string[] = [];
  const keys: [number, number][] = [];
  let after: string | null = null;
  let pages = 0;
  for (;;) {
    clock += 10_000; // time passes between pages; keeps the bucket topped up too
    const res = await client.graphql<Record<string, Page>>(SHOP, TOKEN, query, { after, query: search });
    expect(res.body.errors).toBeUndefined();
    const page = res.body.data?.[root] as Page;
    pages++;
    for (const e of page.edges) {
      ids.push(e.node.id);
      keys.push([Date.parse(e.node.updatedAt), Number(e.node.id.split('/').pop())]);
    }
    if (!page.pageInfo.hasNextPage) break;
    after = page.pageInfo.endCursor;
    between?.(pages);
  }
  return { ids, keys, pages };
}

function expectSorted(keys: [number, number][]): void {
  for (let i = 1; i < keys.length; i++) {
    const [t0, id0] = keys[i - 1] as [number, number];
    const [t1, id1] = keys[i] as [number, number];
    expect(t1 > t0 || (t1 === t0 && id1 > id0)).toBe(true);
  }
}

beforeAll(async () => {
  emulator = await startShopifyEmulator({
    now: () => clock,
    shops: [{ domain: SHOP, appSecret: 's', tokens: [{ token: TOKEN, scopes: ['read_orders', 'read_products'] }] }],
  });
  client = new EmulatorClient(emulator.url);
  shop = emulator.store.requireShop(SHOP);
  seedCatalog(emulator.store, shop, { products: 5 });
  // 1,001 orders, 60 per second: every 250-item page boundary falls inside a tie.
  generateOrders(emulator.store, shop, { count: 1001, perSecond: 60, start: T0 - 3_600_000, seed: 3 });
  // 1,001 more products, also 50 per second.
  for (let i = 0; i < 1001; i++) {
    clock = T0 - 1_800_000 + Math.floor(i / 50) * 1000;
    createProduct(emulator.store, shop, { title: `Tie product ${i}`, variants: [{ sku: `TIE-${i}` }] });
  }
  clock = T0;
});

afterAll(async () => {
  await emulator.close();
});

describe('keyset pagination with updatedAt ties', () => {
  it('the seed really creates ties across page boundaries', () => {
    const sorted = [...shop.orders.values()].sort((a, b) => a.updatedAt - b.updatedAt || a.id - b.id);
    for (const boundary of [250, 500, 750, 1000]) {
      const last = sorted[boundary - 1];
      const next = sorted[boundary];
      expect(last && next && last.updatedAt === next.updatedAt).toBe(true);
    }
  });

  it('returns each of 1,001 orders exactly once when paging with first:250 and cursors', async () => {
    const { ids, keys, pages } = await walk(ORDERS, 'orders');
    expect(pages).toBe(5);
    expect(ids).toHaveLength(1001);
    expect(new Set(ids).size).toBe(1001);
    expectSorted(keys);
  });

  it('returns each product exactly once when paging with first:250 and cursors', async () => {
    const { ids, keys } = await walk(PRODUCTS, 'products');
    expect(ids).toHaveLength(shop.products.size);
    expect(new Set(ids).size).toBe(shop.products.size);
    expectSorted(keys);
  });

  it('filters by an updated_at window and still returns each order in it once', async () => {
    const from = new Date(T0 - 3_600_000 + 5_000).toISOString();
    const to = new Date(T0 - 3_600_000 + 14_000).toISOString();
    const { ids } = await walk(ORDERS, 'orders', `updated_at:>='${from}' updated_at:<='${to}'`);
    // Seconds 5..14 inclusive, 60 orders each.
    expect(ids).toHaveLength(600);
    expect(new Set(ids).size).toBe(600);
  });

  it('keeps cursors exact while orders change between pages: unseen orders still come exactly once', async () => {
    const sorted = [...shop.orders.values()].sort((a, b) => a.updatedAt - b.updatedAt || a.id - b.id);
    const unseen = sorted[900];
    expect(unseen).toBeDefined();
    const { ids } = await walk(ORDERS, 'orders', undefined, (page) => {
      if (page === 1 && unseen) updateOrder(emulator.store, shop, unseen.id, { note: 'changed mid-walk' });
    });
    expect(ids.filter((id) => id === `gid://shopify/Order/${unseen?.id}`)).toHaveLength(1);
    expect(new Set(ids).size).toBe(1001);
  });

  it('rejects a malformed cursor', async () => {
    const res = await client.graphql(SHOP, TOKEN, ORDERS, { after: 'not-a-cursor' });
    expect(JSON.stringify(res.body.errors)).toContain('Invalid cursor');
  });
});
