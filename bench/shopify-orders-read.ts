// Bench: read 10,000 orders through the Shopify adapter from the emulator on a standard plan
// (bucket 2,000 points, restore 100 points/s), starting with the bucket empty so pacing shows.
// Prints points charged vs the theoretical floor (each order's fields read exactly once, in
// the fewest pages the single-query cap allows) and wall time vs points ÷ restore rate.
//
// Run (from the project root):
//   npm run bench:shopify-orders
// BENCH_ORDERS overrides the order count (default 10000).
import { createShopifyAdapter } from '../src/channels/shopify/adapter';
import { ORDER_PAGE_FULFILLMENT_ORDERS, ORDER_PAGE_LINES, ORDER_PAGE_SIZE } from '../src/channels/shopify/documents';
import { PLAN_LIMITS } from '../emulators/shopify/bucket';
import { DEMO_SCOPES, generateOrders, seedCatalog } from '../emulators/shopify/seed';
import { startShopifyEmulator } from '../emulators/shopify/server';
import type { Order } from '../emulators/shopify/store';

const SHOP = 'bench.myshopify.com';
const TOKEN = 'shpat_bench';

/** Actual cost of one order's selection in ORDERS_PAGE (Shopify's rules: object 1, connection 2 + items). */
function orderCost(o: Order): number {
  const lines = Math.min(o.lineItems.length, ORDER_PAGE_LINES);
  const fulfillmentOrders = Math.min(o.fulfillmentOrders.length, ORDER_PAGE_FULFILLMENT_ORDERS);
  return 1 + (o.shippingAddress ? 1 : 0) + (2 + lines) + (2 + 3 * fulfillmentOrders);
}

export async function main(count = Number(process.env['BENCH_ORDERS'] ?? 10_000)): Promise<void> {
  const emulator = await startShopifyEmulator({
    shops: [{ domain: SHOP, appSecret: 'bench-secret', plan: 'standard', tokens: [{ token: TOKEN, scopes: DEMO_SCOPES }] }],
  });
  try {
    const shop = emulator.store.requireShop(SHOP);
    seedCatalog(emulator.store, shop, { products: 50, seed: 11 });
    const orders = generateOrders(emulator.store, shop, { count, seed: 12 });
    const from = new Date(Math.min(...orders.map((o) => o.updatedAt))).toISOString();
    const to = new Date(Math.max(...orders.map((o) => o.updatedAt))).toISOString();

    const adapter = createShopifyAdapter({
      credentials: { shop: SHOP, accessToken: TOKEN, appSecret: 'bench-secret' },
      baseUrl: emulator.url,
      maxThrottleWaitMs: 120_000,
    });
    shop.bucket.drain();
    shop.counters = { ...shop.counters, requests: 0, graphqlRequests: 0, pointsRequested: 0, pointsCharged: 0, throttled: 0 };

    const seen = new Set<string>();
    let received = 0;
    let pages = 0;
    let cursor: string | null = null;
    const started = process.hrtime.bigint();
    do {
      const page: Awaited<ReturnType<typeof adapter.fetchOrdersPage>> = await adapter.fetchOrdersPage({ updatedFrom: from, updatedTo: to, cursor });
      pages++;
      received += page.items.length;
      for (const o of page.items) seen.add(o.channelOrderId);
      cursor = page.nextCursor;
    } while (cursor);
    const wallS = Number(process.hrtime.bigint() - started) / 1e9;

    const { restoreRate } = PLAN_LIMITS.standard;
    const c = shop.counters;
    const floorPages = Math.ceil(count / ORDER_PAGE_SIZE);
    const floorPoints = orders.reduce((n, o) => n + orderCost(o), 0) + 2 * floorPages;
    const timeFloorS = c.pointsCharged / restoreRate;
    const rows: [string, string][] = [
      ['orders seeded / received / distinct', `${count} / ${received} / ${seen.size}`],
      ['pages (floor)', `${pages} (${floorPages}), ${c.graphqlRequests} GraphQL requests, ${c.throttled} THROTTLED answers absorbed`],
      ['points charged (floor)', `${c.pointsCharged} (${floorPoints}) → ${(c.pointsCharged / floorPoints).toFixed(3)} × floor; requested ${c.pointsRequested}`],
      ['wall time (points ÷ restore rate)', `${wallS.toFixed(1)} s (${timeFloorS.toFixed(1)} s at ${restoreRate} pts/s) → ${(wallS / timeFloorS).toFixed(3)} × floor`],
      ['reads per order (N-6 ≤ 0.1)', (c.graphqlRequests / count).toFixed(4)],
    ];
    for (const [k, v] of rows) process.stdout.write(`${k.padEnd(38)} ${v}\n`);
    if (seen.size !== count || received !== count) throw new Error('lost or duplicated orders');
  } finally {
    await emulator.close();
  }
}

if (require.main === module) {
  main().catch((err: unknown) => {
    process.stderr.write(`${err instanceof Error ? (err.stack ?? err.message) : String(err)}\n`);
    process.exit(1);
  });
}
