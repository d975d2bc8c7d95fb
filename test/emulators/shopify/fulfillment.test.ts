// fulfillmentCreate semantics: remaining quantities on fulfillment orders, userErrors for
// over-fulfilment and for closed/cancelled orders with nothing changed, order status moving
// UNFULFILLED → PARTIALLY_FULFILLED → FULFILLED, tracking readable back; tagsAdd.
import { EmulatorClient } from '../../../emulators/shopify/client';
import { DEMO_SCOPES, seedCatalog } from '../../../emulators/shopify/seed';
import { startShopifyEmulator, type ShopifyEmulator } from '../../../emulators/shopify/server';
import type { ShopState } from '../../../emulators/shopify/store';

const SHOP = 'ship.myshopify.com';
const TOKEN = 'tok';
let emulator: ShopifyEmulator;
let client: EmulatorClient;
let shop: ShopState;

interface FoLine {
  id: string;
  remainingQuantity: number;
  totalQuantity: number;
  lineItem: { id: string; sku: string | null };
}
interface OrderData {
  id: string;
  displayFulfillmentStatus: string;
  tags: string[];
  fulfillmentOrders: { nodes: { id: string; status: string; assignedLocation: { location: { id: string } }; lineItems: { nodes: FoLine[] } }[] };
  fulfillments: { id: string; status: string; trackingInfo: { number: string; url: string; company: string }[] }[];
}

const ORDER_QUERY = `query($id: ID!) {
  order(id: $id) {
    id displayFulfillmentStatus tags
    fulfillmentOrders(first: 5) { nodes { id status assignedLocation { location { id } }
      lineItems(first: 20) { nodes { id remainingQuantity totalQuantity lineItem { id sku } } } } }
    fulfillments(first: 10) { id status trackingInfo { number url company } }
  }
}`;

const FULFILL = `mutation($fulfillment: FulfillmentInput!) {
  fulfillmentCreate(fulfillment: $fulfillment) {
    fulfillment { id status trackingInfo(first: 5) { number url company } }
    userErrors { field message }
  }
}`;

async function readOrder(id: string): Promise<OrderData> {
  const res = await client.graphql<{ order: OrderData }>(SHOP, TOKEN, ORDER_QUERY, { id });
  expect(res.body.errors).toBeUndefined();
  return res.body.data?.order as OrderData;
}

async function newOrder(quantities: number[]): Promise<string> {
  const variants = [...shop.variants.values()];
  const res = await client.admin<{ admin_graphql_api_id: string }>('POST', `/shops/${SHOP}/orders`, {
    email: 'buyer@example.com',
    lineItems: quantities.map((quantity, i) => ({ variantId: variants[i]?.id, quantity })),
  });
  expect(res.status).toBe(201);
  return res.body.admin_graphql_api_id;
}

async function fulfill(fulfillment: unknown): Promise<{ fulfillment: { id: string; trackingInfo: unknown[] } | null; userErrors: { field: string[]; message: string }[] }> {
  const res = await client.graphql<{ fulfillmentCreate: { fulfillment: { id: string; trackingInfo: unknown[] } | null; userErrors: { field: string[]; message: string }[] } }>(
    SHOP,
    TOKEN,
    FULFILL,
    { fulfillment },
  );
  expect(res.body.errors).toBeUndefined();
  return res.body.data?.fulfillmentCreate as never;
}

beforeAll(async () => {
  emulator = await startShopifyEmulator({ shops: [{ domain: SHOP, appSecret: 's', tokens: [{ token: TOKEN, scopes: DEMO_SCOPES }] }] });
  client = new EmulatorClient(emulator.url);
  shop = emulator.store.requireShop(SHOP);
  seedCatalog(emulator.store, shop, { products: 4 });
});

afterAll(async () => {
  await emulator.close();
});

describe('fulfillmentCreate', () => {
  it('moves UNFULFILLED → PARTIALLY_FULFILLED → FULFILLED over a partial then a complete fulfilment, tracking readable back', async () => {
    const orderId = await newOrder([3, 1]);
    const before = await readOrder(orderId);
    expect(before.displayFulfillmentStatus).toBe('UNFULFILLED');
    const fo = before.fulfillmentOrders.nodes[0];
    expect(fo?.status).toBe('OPEN');
    const [first, second] = fo?.lineItems.nodes ?? [];
    expect(first?.remainingQuantity).toBe(3);

    const partial = await fulfill({
      lineItemsByFulfillmentOrder: [{ fulfillmentOrderId: fo?.id, fulfillmentOrderLineItems: [{ id: first?.id, quantity: 2 }] }],
      notifyCustomer: false,
      trackingInfo: { number: '1Z999AA10123456784', url: 'https://ups.example/track/1Z999AA10123456784', company: 'UPS' },
    });
    expect(partial.userErrors).toEqual([]);
    expect(partial.fulfillment?.trackingInfo).toEqual([
      { number: '1Z999AA10123456784', url: 'https://ups.example/track/1Z999AA10123456784', company: 'UPS' },
    ]);
    const mid = await readOrder(orderId);
    expect(mid.displayFulfillmentStatus).toBe('PARTIALLY_FULFILLED');
    expect(mid.fulfillmentOrders.nodes[0]?.status).toBe('IN_PROGRESS');
    expect(mid.fulfillmentOrders.nodes[0]?.lineItems.nodes.map((l) => l.remainingQuantity)).toEqual([1, 1]);

    // No line items listed: fulfil everything that remains.
    const rest = await fulfill({
      lineItemsByFulfillmentOrder: [{ fulfillmentOrderId: fo?.id }],
      trackingInfo: { numbers: ['TRK-2'], company: 'USPS' },
    });
    expect(rest.userErrors).toEqual([]);
    const done = await readOrder(orderId);
    expect(done.displayFulfillmentStatus).toBe('FULFILLED');
    expect(done.fulfillmentOrders.nodes[0]?.status).toBe('CLOSED');
    expect(done.fulfillmentOrders.nodes[0]?.lineItems.nodes.map((l) => l.remainingQuantity)).toEqual([0, 0]);
    expect(done.fulfillments.map((f) => f.trackingInfo[0]?.number)).toEqual(['1Z999AA10123456784', 'TRK-2']);
    expect(second?.lineItem.sku).toBeTruthy();

    // The admin API shows the same tracking, for the WMS-side assertions of other tests.
    const admin = await client.admin<{ tracking_number: string; tracking_company: string }[]>('GET', `/shops/${SHOP}/fulfillments`);
    expect(admin.body.map((f) => f.tracking_number)).toEqual(expect.arrayContaining(['1Z999AA10123456784', 'TRK-2']));
  });

  it('answers userErrors for over-fulfilment and changes nothing', async () => {
    const orderId = await newOrder([2]);
    const before = await readOrder(orderId);
    const fo = before.fulfillmentOrders.nodes[0];
    const line = fo?.lineItems.nodes[0];
    const over = await fulfill({
      lineItemsByFulfillmentOrder: [{ fulfillmentOrderId: fo?.id, fulfillmentOrderLineItems: [{ id: line?.id, quantity: 3 }] }],
    });
    expect(over.fulfillment).toBeNull();
    expect(over.userErrors).toEqual([{ field: ['fulfillment'], message: 'Invalid fulfillment order line item quantity requested.' }]);
    const after = await readOrder(orderId);
    expect(after).toEqual(before);
  });

  it('refuses to fulfil a cancelled order', async () => {
    const orderId = await newOrder([1]);
    const before = await readOrder(orderId);
    const numeric = orderId.split('/').pop();
    expect((await client.admin('POST', `/shops/${SHOP}/orders/${numeric}/cancel`, { reason: 'CUSTOMER' })).status).toBe(200);
    const res = await fulfill({ lineItemsByFulfillmentOrder: [{ fulfillmentOrderId: before.fulfillmentOrders.nodes[0]?.id }] });
    expect(res.fulfillment).toBeNull();
    expect(res.userErrors[0]?.message).toMatch(/has an unfulfillable status= closed/);
    expect((await readOrder(orderId)).fulfillments).toEqual([]);
  });

  it('tags an order with tagsAdd, once per tag', async () => {
    const orderId = await newOrder([1]);
    const mutation = 'mutation($id: ID!, $tags: [String!]!) { tagsAdd(id: $id, tags: $tags) { node { id } userErrors { message } } }';
    await client.graphql(SHOP, TOKEN, mutation, { id: orderId, tags: ['wms-synced'] });
    const again = await client.graphql<{ tagsAdd: { userErrors: unknown[] } }>(SHOP, TOKEN, mutation, { id: orderId, tags: ['wms-synced', 'b2b'] });
    expect(again.body.data?.tagsAdd.userErrors).toEqual([]);
    expect((await readOrder(orderId)).tags).toEqual(['wms-synced', 'b2b']);
  });

  it('requires a fulfillment-order write scope', async () => {
    shop.tokens.set('read-only', { token: 'read-only', scopes: ['read_orders', 'read_merchant_managed_fulfillment_orders'] });
    const res = await client.graphql('ship.myshopify.com', 'read-only', FULFILL, {
      fulfillment: { lineItemsByFulfillmentOrder: [{ fulfillmentOrderId: 'gid://shopify/FulfillmentOrder/1' }] },
    });
    expect(res.body.errors).toEqual([expect.objectContaining({ extensions: expect.objectContaining({ code: 'ACCESS_DENIED' }) })]);
  });
});
