// Fault injection (5xx, hung requests, latency, lost answers) and counters for benchmarks; deterministic
// seeds that generate 10,000+ realistic orders.
import { EmulatorClient } from '../../../emulators/shopify/client';
import { EmulatorStore } from '../../../emulators/shopify/store';
import { generateOrders, seedCatalog, seedDemoShop } from '../../../emulators/shopify/seed';
import { startShopifyEmulator, type ShopifyEmulator } from '../../../emulators/shopify/server';
import { eventually } from '../../helpers/eventually';

const SHOP = 'faulty.myshopify.com';
let emulator: ShopifyEmulator;
let client: EmulatorClient;

beforeAll(async () => {
  emulator = await startShopifyEmulator({ shops: [{ domain: SHOP, appSecret: 's', tokens: [{ token: 't', scopes: ['read_products'] }] }] });
  client = new EmulatorClient(emulator.url);
});

afterAll(async () => {
  await emulator.close();
});

afterEach(async () => {
  await client.admin('DELETE', `/shops/${SHOP}/faults`);
});

describe('fault injection and counters', () => {
  it('answers the next N requests with 5xx, then recovers', async () => {
    await client.admin('PUT', `/shops/${SHOP}/faults`, { failNext: 2, errorStatus: 503 });
    expect((await client.graphql(SHOP, 't', '{ shop { name } }')).status).toBe(503);
    expect((await client.graphql(SHOP, 't', '{ shop { name } }')).status).toBe(503);
    expect((await client.graphql(SHOP, 't', '{ shop { name } }')).status).toBe(200);
  });

  it('hangs a request and drops the connection (a client-side timeout)', async () => {
    await client.admin('PUT', `/shops/${SHOP}/faults`, { timeoutNext: 1, timeoutMs: 100 });
    await expect(client.graphql(SHOP, 't', '{ shop { name } }')).rejects.toThrow();
    expect((await client.graphql(SHOP, 't', '{ shop { name } }')).status).toBe(200);
  });

  it('adds latency', async () => {
    await client.admin('PUT', `/shops/${SHOP}/faults`, { latencyMs: 150 });
    const started = Date.now();
    await client.graphql(SHOP, 't', '{ shop { name } }');
    expect(Date.now() - started).toBeGreaterThanOrEqual(140);
  });

  it('carries out the named operation, holds its answer, then drops the connection (dropResponse, S-2)', async () => {
    await client.admin('DELETE', `/shops/${SHOP}/counters`);
    await client.admin('PUT', `/shops/${SHOP}/faults`, { dropResponseNext: 1, dropResponseOperation: 'ShopName', dropResponseAfterMs: 400 });
    const started = Date.now();
    let settled = false;
    const answer = client.graphql(SHOP, 't', 'query ShopName { shop { name } }').finally(() => (settled = true));
    await eventually('the request carried out', async () => {
      const counters = (await client.admin<Record<string, number>>('GET', `/shops/${SHOP}/counters`)).body;
      return counters.graphqlRequests === 1 && counters.injectedTimeouts === 1;
    });
    expect(settled).toBe(false); // carried out while its answer is still held
    await expect(answer).rejects.toThrow();
    expect(Date.now() - started).toBeGreaterThanOrEqual(390);
    expect((await client.graphql(SHOP, 't', 'query ShopName { shop { name } }')).status).toBe(200);
  });

  it('rejects invalid fault settings with 400', async () => {
    const res = await client.admin<{ error: string }>('PUT', `/shops/${SHOP}/faults`, { errorRate: 2 });
    expect(res.status).toBe(400);
  });

  it('counts requests, points and throttling for benchmarks', async () => {
    await client.admin('DELETE', `/shops/${SHOP}/counters`);
    await client.graphql(SHOP, 't', '{ shop { name } }');
    await client.graphql(SHOP, 'bad-token', '{ shop { name } }');
    const counters = await client.admin<Record<string, number>>('GET', `/shops/${SHOP}/counters`);
    expect(counters.body).toMatchObject({ requests: 2, graphqlRequests: 1, pointsCharged: 1, unauthorized: 1, throttled: 0 });
  });
});

describe('deterministic seeds', () => {
  const fixedNow = () => Date.parse('2026-11-01T00:00:00Z');

  it('generates the same orders from the same seed', () => {
    const snapshot = () => {
      const store = new EmulatorStore({ now: fixedNow });
      const shop = seedDemoShop(store, { products: 10 });
      generateOrders(store, shop, { count: 200, seed: 11 });
      return JSON.stringify([...shop.orders.values()]);
    };
    expect(snapshot()).toBe(snapshot());
  });

  it('generates 10,000 realistic orders with second-precision ties', () => {
    const store = new EmulatorStore({ now: fixedNow });
    const shop = store.createShop({ domain: 'big.myshopify.com', appSecret: 's' });
    seedCatalog(store, shop, { products: 50 });
    const orders = generateOrders(store, shop, { count: 10_000, seed: 5 });
    expect(orders).toHaveLength(10_000);
    const perSecond = new Map<number, number>();
    for (const o of orders) perSecond.set(o.updatedAt, (perSecond.get(o.updatedAt) ?? 0) + 1);
    expect(Math.max(...perSecond.values())).toBe(60);
    expect(orders.every((o) => o.updatedAt % 1000 === 0 && o.lineItems.length > 0 && o.email && o.shippingAddress)).toBe(true);
    expect(new Set(orders.map((o) => o.financialStatus)).size).toBeGreaterThan(2);
    expect(orders.some((o) => o.cancelledAt !== null)).toBe(true);
  });
});
