// Calculated query cost and the leaky bucket, with Shopify's numbers: extensions.cost on
// every answer, requested vs actual cost, THROTTLED with no data when the bucket is empty,
// refill at the plan's restore rate, MAX_COST_EXCEEDED above 1,000, first > 250 rejected.
import { EmulatorClient } from '../../../emulators/shopify/client';
import { generateOrders, seedCatalog } from '../../../emulators/shopify/seed';
import { startShopifyEmulator, type ShopifyEmulator } from '../../../emulators/shopify/server';

const SHOP = 'cost.myshopify.com';
const TOKEN = 'tok';
const T0 = Date.parse('2026-11-01T12:00:00Z');
let clock = T0;
let emulator: ShopifyEmulator;
let client: EmulatorClient;

type Cost = { requestedQueryCost: number; actualQueryCost: number | null; throttleStatus: { maximumAvailable: number; currentlyAvailable: number; restoreRate: number } };
const costOf = (body: { extensions?: { cost?: Cost } }): Cost => {
  const cost = body.extensions?.cost;
  if (!cost) throw new Error(`no extensions.cost in ${JSON.stringify(body)}`);
  return cost;
};

beforeAll(async () => {
  emulator = await startShopifyEmulator({
    now: () => clock,
    shops: [{ domain: SHOP, appSecret: 's', tokens: [{ token: TOKEN, scopes: ['read_orders', 'read_products', 'read_customers'] }] }],
  });
  client = new EmulatorClient(emulator.url);
  const shop = emulator.store.requireShop(SHOP);
  seedCatalog(emulator.store, shop, { products: 3 });
  generateOrders(emulator.store, shop, { count: 10, start: T0 - 60_000 });
});

afterAll(async () => {
  await emulator.close();
});

beforeEach(() => {
  // Let the bucket refill completely between tests.
  clock += 60_000;
});

describe('query cost and throttling', () => {
  it('carries extensions.cost on every GraphQL answer, valid or not', async () => {
    const ok = await client.graphql(SHOP, TOKEN, '{ shop { name } }');
    const invalid = await client.graphql(SHOP, TOKEN, '{ shop { nope } }');
    const syntax = await client.graphql(SHOP, TOKEN, '{ shop {');
    for (const res of [ok, invalid, syntax]) {
      expect(costOf(res.body).throttleStatus).toEqual({ maximumAvailable: 2000, currentlyAvailable: expect.any(Number), restoreRate: 100 });
    }
    expect(costOf(ok.body)).toMatchObject({ requestedQueryCost: 1, actualQueryCost: 1 });
  });

  it('charges the requested cost from first/last and the actual cost from what was returned', async () => {
    const res = await client.graphql(SHOP, TOKEN, '{ orders(first: 250) { edges { node { id name } } pageInfo { hasNextPage } } }');
    expect(res.body.errors).toBeUndefined();
    // connection: 2 + 250 × 1 requested; only 10 orders exist.
    expect(costOf(res.body)).toMatchObject({ requestedQueryCost: 252, actualQueryCost: 12 });
    expect(costOf(res.body).throttleStatus.currentlyAvailable).toBe(2000 - 12);
  });

  it('multiplies nested connections and counts nested objects', async () => {
    const query = `{ orders(first: 5) { nodes { id customer { id } lineItems(first: 10) { nodes { id variant { id } } } } } }`;
    const res = await client.graphql(SHOP, TOKEN, query);
    expect(res.body.errors).toBeUndefined();
    // per order: 1 + customer 1 + lineItems (2 + 10 × (1 + variant 1)) = 24; 2 + 5 × 24 = 122
    expect(costOf(res.body).requestedQueryCost).toBe(122);
    const actual = costOf(res.body).actualQueryCost as number;
    expect(actual).toBeLessThan(122);
    expect(actual).toBeGreaterThan(2);
  });

  it('charges a flat 10 per mutation', async () => {
    const order = [...emulator.store.requireShop(SHOP).orders.values()][0];
    const res = await client.graphql(
      SHOP,
      'tok',
      'mutation($id: ID!) { tagsAdd(id: $id, tags: ["x"]) { userErrors { message } } }',
      { id: `gid://shopify/Order/${order?.id}` },
    );
    expect(costOf(res.body)).toMatchObject({ requestedQueryCost: 10, actualQueryCost: 10 });
  });

  it('refuses a query whose requested cost exceeds 1,000 with MAX_COST_EXCEEDED, charging nothing', async () => {
    const before = emulator.store.requireShop(SHOP).bucket.status().currentlyAvailable;
    const res = await client.graphql(SHOP, TOKEN, '{ orders(first: 250) { nodes { id lineItems(first: 5) { nodes { id } } } } }');
    expect(res.status).toBe(200);
    expect(res.body.data).toBeUndefined();
    const errors = res.body.errors as { message: string; extensions: Record<string, unknown> }[];
    expect(errors[0]?.message).toMatch(/^Query cost is 2002, which exceeds the single query max cost limit \(1000\)\./);
    expect(errors[0]?.extensions).toMatchObject({ code: 'MAX_COST_EXCEEDED', cost: 2002, maxCost: 1000 });
    expect(costOf(res.body).requestedQueryCost).toBe(2002);
    expect(emulator.store.requireShop(SHOP).bucket.status().currentlyAvailable).toBe(before);
  });

  it('rejects first greater than 250 and a connection without first or last', async () => {
    const tooMany = await client.graphql(SHOP, TOKEN, '{ products(first: 251) { nodes { id } } }');
    expect(tooMany.body.data).toBeNull();
    expect(tooMany.body.errors).toEqual([
      expect.objectContaining({ message: expect.stringContaining('250'), path: ['products'] }),
    ]);
    const none = await client.graphql(SHOP, TOKEN, '{ products { nodes { id } } }');
    expect(none.body.errors).toEqual([expect.objectContaining({ message: 'you must provide one of first or last', path: ['products'] })]);
    expect(costOf(none.body)).toBeDefined();
  });

  it('answers THROTTLED with no data when the bucket is drained, and refills at the restore rate', async () => {
    const drained = await client.admin('POST', `/shops/${SHOP}/throttle/drain`);
    expect(drained.status).toBe(200);
    const throttled = await client.graphql(SHOP, TOKEN, '{ orders(first: 10) { nodes { id } } }');
    expect(throttled.status).toBe(200);
    expect(throttled.body).not.toHaveProperty('data');
    expect(throttled.body.errors).toEqual([expect.objectContaining({ message: 'Throttled', extensions: expect.objectContaining({ code: 'THROTTLED' }) })]);
    expect(costOf(throttled.body)).toMatchObject({
      requestedQueryCost: 12,
      actualQueryCost: null,
      throttleStatus: { maximumAvailable: 2000, currentlyAvailable: 0, restoreRate: 100 },
    });

    clock += 100; // 0.1 s → 10 points: still not enough for 12
    expect((await client.graphql(SHOP, TOKEN, '{ orders(first: 10) { nodes { id } } }')).body.errors).toEqual([
      expect.objectContaining({ message: 'Throttled' }),
    ]);
    clock += 1000; // +100 points
    const after = await client.graphql(SHOP, TOKEN, '{ orders(first: 10) { nodes { id } } }');
    expect(after.body.errors).toBeUndefined();
    expect(costOf(after.body).throttleStatus.currentlyAvailable).toBe(110 - 12);

    const counters = await client.admin<{ throttled: number }>('GET', `/shops/${SHOP}/counters`);
    expect(counters.body.throttled).toBe(2);
  });

  it('gives each plan its bucket size and restore rate', async () => {
    for (const [plan, max, rate] of [['advanced', 4000, 200], ['plus', 20000, 1000], ['standard', 2000, 100]] as const) {
      await client.admin('PUT', `/shops/${SHOP}/plan`, { plan });
      clock += 60_000;
      const res = await client.graphql(SHOP, TOKEN, '{ shop { name } }');
      expect(costOf(res.body).throttleStatus).toEqual({ maximumAvailable: max, currentlyAvailable: max - 1, restoreRate: rate });
    }
  });

  it('forces throttling on demand through the fault switch', async () => {
    await client.admin('PUT', `/shops/${SHOP}/faults`, { throttleAlways: true });
    const res = await client.graphql(SHOP, TOKEN, '{ shop { name } }');
    expect(res.body.errors).toEqual([expect.objectContaining({ message: 'Throttled' })]);
    await client.admin('DELETE', `/shops/${SHOP}/faults`);
  });
});
