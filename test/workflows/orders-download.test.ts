import { WorkflowIdReusePolicy } from '@temporalio/common';
import { count, eq } from 'drizzle-orm';
import { saveConnectionSettings } from '../../src/db/repositories/connections';
import { saveCredentials } from '../../src/db/repositories/credentials';
import { linesOfOrder } from '../../src/db/repositories/orders';
import pino from 'pino';
import { createActivities } from '../../src/activities';
import { connections, orders, products } from '../../src/db/schema';
import { orderRefreshRequestedSignal, workflowIds, workflowTypes } from '../../src/definitions';
import { parseConnectionSettings } from '../../src/domain/connection-settings';
import {
  address,
  APP_SECRET,
  connectShop,
  createShopOrder,
  downloadOrders,
  eventsOf,
  eventually,
  shopSkus,
  startOrderWorld,
  storedOrder,
  type Json,
  type OrderWorld,
  type TestShop,
} from './order-harness';

// Order download (SPEC §5) against the Shopify emulator: paging with ties, filters and skip
// reasons, missing products and customer data, one bad order among good ones, tags after import,
// re-import by id and by date range. No WMS here: releases are pulled (O-1).

let world: OrderWorld;

beforeAll(async () => {
  world = await startOrderWorld('orders-download');
}, 120_000);

afterAll(async () => {
  await world?.close();
});

async function storedCount(connectionId: string): Promise<number> {
  const [row] = await world.database.db.select({ n: count() }).from(orders).where(eq(orders.connectionId, connectionId));
  return row!.n;
}

async function shopOrder(shop: TestShop, id: number | string): Promise<Json> {
  return (await world.admin.admin<Json>('GET', `/shops/${shop.domain}/orders/${id}`)).body;
}

const paidOrder = (lines: Json[], extra: Json = {}): Json => ({ financialStatus: 'PAID', email: 'ada@example.com', shippingAddress: address, lineItems: lines, ...extra });

describe('OD-1 incremental download', () => {
  it('OD-1 600 orders, 50 per second so every page boundary falls inside a tie: each stored once, one workflow each; a second run changes nothing', async () => {
    const shop = await connectShop(world, 'ties', { orderFilters: { financialStatuses: ['paid', 'partially_paid', 'pending', 'authorized'] } });
    const generated = await world.admin.admin<{ ids: number[] }>('POST', `/shops/${shop.domain}/orders/generate`, { count: 600, perSecond: 50, seed: 11, cancelledRate: 0 });
    expect(generated.body.ids).toHaveLength(600);
    // Small activity calls and runs, so paging crosses activity retries' boundaries and continue-as-new too.
    const first = await world.temporal.client.workflow.execute(workflowTypes.ordersDownload, {
      workflowId: workflowIds.ordersDownload(shop.connectionId),
      taskQueue: world.taskQueue,
      args: [{ connectionId: shop.connectionId, pagesPerActivity: 3, activitiesPerRun: 2 }],
    });
    expect(first.counts).toMatchObject({ imported: 600, updated: 0, failed: 0 });
    // Tagging an order (OD-12) moves its updatedAt; one tagged within the window's last second is read again, unchanged.
    expect(first.counts.seen - first.counts.unchanged).toBe(600);
    expect(first.counts.pages).toBeGreaterThanOrEqual(Math.ceil(600 / 39));
    expect(await storedCount(shop.connectionId)).toBe(600);
    const workflows = await eventually('600 order workflows visible', async () => {
      const n = (await world.temporal.client.workflow.count(`ConnectionId = "${shop.connectionId}" AND WorkflowType = "orderWorkflow"`)).count;
      return n === 600 ? n : null;
    }, 60_000);
    expect(workflows).toBe(600);

    const second = await downloadOrders(world, shop);
    expect(second.counts).toMatchObject({ imported: 0, updated: 0, failed: 0 });
    expect(await storedCount(shop.connectionId)).toBe(600);
  }, 240_000);
});

describe('OD-3 … OD-12 intake rules', () => {
  let shop: TestShop;
  let skus: string[];

  beforeAll(async () => {
    shop = await connectShop(world, 'rules');
    skus = await shopSkus(world, shop);
    // Monitor the shop's own (seeded) location only, so an order elsewhere is out of scope (OD-9).
    const summary = await world.admin.admin<Json>('GET', `/shops/${shop.domain}`);
    const monitored = summary.body.locations.map((l: Json) => l.gid ?? `gid://shopify/Location/${l.id}`);
    const parsed = parseConnectionSettings({ orderFilters: { locationIds: monitored } }, { channel: 'shopify', setupCompleted: true });
    if (!parsed.ok) throw new Error('bad settings');
    await saveConnectionSettings(world.database.db, shop.connectionId, parsed.settings);
  });

  it('OD-6 a line without SKU is an error naming the line; the next order still imports (OD-10) and gets the error tag (OD-12)', async () => {
    const bad = await createShopOrder(world, shop, paidOrder([{ title: 'Mystery box', quantity: 1 }]));
    const good = await createShopOrder(world, shop, paidOrder([{ sku: skus[0], quantity: 1 }]));
    const run = await downloadOrders(world, shop);
    expect(run.counts.failed).toBeGreaterThanOrEqual(1);
    expect(await storedOrder(world, shop, bad.admin_graphql_api_id)).toBeUndefined();
    expect(await storedOrder(world, shop, good.admin_graphql_api_id)).toMatchObject({ status: 'open' });
    const error = (await eventsOf(world, shop.connectionId)).find((e) => e.entityId === bad.admin_graphql_api_id && e.severity === 'error');
    expect(error?.message).toMatch(/SKU does not exist for line Mystery box/);
    expect((await shopOrder(shop, bad.id)).tags).toContain('wms-error');
    expect((await shopOrder(shop, good.id)).tags).toContain('wms-synced');
  });

  it('OD-7 missing shipping address holds the order with reason missing_customer_data', async () => {
    const created = await createShopOrder(world, shop, paidOrder([{ sku: skus[0], quantity: 1 }], { shippingAddress: null, customer: null, email: null }));
    await downloadOrders(world, shop);
    expect(await storedOrder(world, shop, created.admin_graphql_api_id)).toMatchObject({ status: 'on_hold', holdReason: 'missing_customer_data' });
  });

  it('OD-9 an order only in a location the connection does not monitor is skipped with a reason', async () => {
    const location = await world.admin.admin<Json>('POST', `/shops/${shop.domain}/locations`, { name: 'Elsewhere' });
    const created = await createShopOrder(world, shop, paidOrder([{ sku: skus[0], quantity: 1, locationId: location.body.id }]));
    await downloadOrders(world, shop);
    expect(await storedOrder(world, shop, created.admin_graphql_api_id)).toBeUndefined();
    const skip = (await eventsOf(world, shop.connectionId)).find((e) => e.entityId === created.admin_graphql_api_id && e.code === 'order_skipped');
    expect(skip?.details).toMatchObject({ reason: 'location_not_monitored' });
  });

  it('OD-3 an order cancelled before it was first seen is skipped, a pending one is filtered by financial status', async () => {
    const cancelled = await createShopOrder(world, shop, paidOrder([{ sku: skus[0], quantity: 1 }]));
    await world.admin.admin('POST', `/shops/${shop.domain}/orders/${cancelled.id}/cancel`, {});
    const pending = await createShopOrder(world, shop, paidOrder([{ sku: skus[0], quantity: 1 }], { financialStatus: 'PENDING' }));
    await downloadOrders(world, shop);
    const reasons = (await eventsOf(world, shop.connectionId)).filter((e) => e.code === 'order_skipped').map((e) => [e.entityId, (e.details as Json).reason]);
    expect(reasons).toEqual(expect.arrayContaining([[cancelled.admin_graphql_api_id, 'cancelled_at_first_sight'], [pending.admin_graphql_api_id, 'financial_status_filtered']]));
  });

  it('OD-11 one order is re-imported by id through its refresh workflow, without duplicates', async () => {
    const created = await createShopOrder(world, shop, paidOrder([{ sku: skus[1], quantity: 1 }]));
    const start = () =>
      world.temporal.client.workflow.signalWithStart(workflowTypes.orderRefresh, {
        workflowId: workflowIds.orderRefresh(shop.connectionId, created.admin_graphql_api_id),
        taskQueue: world.taskQueue,
        args: [{ connectionId: shop.connectionId, channelOrderId: created.admin_graphql_api_id }],
        signal: orderRefreshRequestedSignal,
        signalArgs: [{ source: 'test' }],
        workflowIdReusePolicy: WorkflowIdReusePolicy.ALLOW_DUPLICATE,
      });
    expect(await (await start()).result()).toEqual(['imported']);
    expect(await (await start()).result()).toEqual(['unchanged']);
    expect(await storedOrder(world, shop, created.admin_graphql_api_id)).toMatchObject({ status: 'open' });
  });

  it('OD-11 a date range is re-read without duplicates and leaves the cursor alone', async () => {
    const before = await storedCount(shop.connectionId);
    const now = new Date();
    const run = await downloadOrders(world, shop, { kind: 'range', updatedFrom: new Date(now.getTime() - 3_600_000).toISOString(), updatedTo: now.toISOString() });
    expect(run.counts.imported).toBe(0);
    expect(run.counts.seen).toBeGreaterThan(0);
    expect(await storedCount(shop.connectionId)).toBe(before);
  });
});

describe('OD-6 missing products when products are not downloaded', () => {
  const unknown = 'NOT-IN-WMS-1';

  async function importWithPolicy(policy: 'create' | 'partial' | 'hold') {
    const shop = await connectShop(world, `policy-${policy}`, { downloadProducts: false, missingProductPolicy: policy });
    const [known] = await shopSkus(world, shop);
    // The known SKU exists as a product; the other one does not.
    await world.database.db.insert(products).values({ clientCode: `POLICY-${policy.toUpperCase()}`, sku: known!, name: 'known' });
    const created = await createShopOrder(world, shop, paidOrder([{ sku: known, quantity: 1 }, { sku: unknown, title: 'Unknown thing', quantity: 2 }]));
    await downloadOrders(world, shop);
    return { shop, row: await storedOrder(world, shop, created.admin_graphql_api_id) };
  }

  it('OD-6 create: the missing product is created and the order released whole', async () => {
    const { row } = await importWithPolicy('create');
    expect(row).toMatchObject({ status: 'open' });
    const [product] = await world.database.db.select().from(products).where(eq(products.sku, unknown));
    expect(product).toBeDefined();
  });

  it('OD-6 partial: only the known line goes to the WMS, the other is stored with nothing to ship', async () => {
    const { row } = await importWithPolicy('partial');
    expect(row).toMatchObject({ status: 'open' });
    const lines = await linesOfOrder(world.database.db, row!.id);
    expect(lines.find((l) => l.sku === unknown)).toMatchObject({ quantityToShip: 0 });
    expect(lines.find((l) => l.sku !== unknown)).toMatchObject({ quantityToShip: 1 });
  });

  it('OD-6 hold: the order is held with reason missing_products; E-2 once a product download creates the SKU, the hold lifts by itself', async () => {
    const { shop, row } = await importWithPolicy('hold');
    expect(row).toMatchObject({ status: 'on_hold', holdReason: 'missing_products' });
    // The fix: the store gets the product and products are downloaded again.
    await world.admin.admin('POST', `/shops/${shop.domain}/products`, { title: 'Unknown thing', variants: [{ sku: unknown }] });
    const parsed = parseConnectionSettings({ downloadProducts: true }, { channel: 'shopify', setupCompleted: true });
    if (!parsed.ok) throw new Error('bad settings');
    await saveConnectionSettings(world.database.db, shop.connectionId, parsed.settings);
    await world.temporal.client.workflow.execute(workflowTypes.productsDownload, {
      workflowId: workflowIds.productsDownload(shop.connectionId),
      taskQueue: world.taskQueue,
      args: [{ connectionId: shop.connectionId }],
    });
    await eventually('the hold released', async () => (await storedOrder(world, shop, row!.channelOrderId))?.status === 'open');
  });
});

describe('E-4 silent stalls', () => {
  it('E-4 a connection with no completed order download in 3× its interval raises one health error; the next completed download resolves it', async () => {
    const shop = await connectShop(world, 'stalled', { schedules: { ordersEveryMinutes: 5 } });
    const activities = createActivities({ db: world.database.db, secrets: world.secrets, log: pino({ level: 'silent' }), temporal: world.temporal.client, taskQueue: world.taskQueue, wms: null });
    expect(await activities.checkSyncHealth({ connectionId: shop.connectionId })).toEqual({ stalled: false }); // just completed
    await world.database.db.update(connections).set({ updatedAt: new Date(Date.now() - 16 * 60_000) }).where(eq(connections.id, shop.connectionId));
    expect(await activities.checkSyncHealth({ connectionId: shop.connectionId })).toEqual({ stalled: true });
    expect(await activities.checkSyncHealth({ connectionId: shop.connectionId })).toEqual({ stalled: true });
    const stalled = () => eventsOf(world, shop.connectionId).then((events) => events.filter((e) => e.code === 'orders_download_stalled'));
    expect(await stalled()).toEqual([expect.objectContaining({ severity: 'error', occurrences: 2, resolvedAt: null })]);
    await downloadOrders(world, shop);
    expect((await stalled())[0]!.resolvedAt).not.toBeNull();
    expect(await activities.checkSyncHealth({ connectionId: shop.connectionId })).toEqual({ stalled: false });
  });

  it('C-5 credentials the channel says expire are announced at 30, 7 and 1 days, once each, and resolved by rotation', async () => {
    const shop = await connectShop(world, 'expiry');
    const activities = createActivities({ db: world.database.db, secrets: world.secrets, log: pino({ level: 'silent' }), temporal: world.temporal.client, taskQueue: world.taskQueue, wms: null });
    const credentials = { shop: shop.domain, accessToken: shop.token, appSecret: APP_SECRET, baseUrl: world.emulator.url };
    const expiring = () => eventsOf(world, shop.connectionId).then((events) => events.filter((e) => e.code === 'credentials_expiring'));
    await saveCredentials(world.database.db, world.secrets, shop.connectionId, credentials, new Date(Date.now() + 60 * 86_400_000));
    await activities.checkSyncHealth({ connectionId: shop.connectionId });
    expect(await expiring()).toHaveLength(0);

    await saveCredentials(world.database.db, world.secrets, shop.connectionId, credentials, new Date(Date.now() + 5 * 86_400_000));
    await activities.checkSyncHealth({ connectionId: shop.connectionId });
    await activities.checkSyncHealth({ connectionId: shop.connectionId });
    expect(await expiring()).toEqual([expect.objectContaining({ severity: 'warning', occurrences: 2, details: expect.objectContaining({ threshold: 7 }) })]);

    await saveCredentials(world.database.db, world.secrets, shop.connectionId, credentials, new Date(Date.now() + 12 * 3_600_000));
    await activities.checkSyncHealth({ connectionId: shop.connectionId });
    expect((await expiring()).map((e) => (e.details as Json).threshold).sort()).toEqual([1, 7]);
    expect((await expiring()).find((e) => (e.details as Json).threshold === 1)!.message).toMatch(/expire in 1 day\b/);

    await activities.recordConnectionEvent({ connectionId: shop.connectionId, severity: 'info', code: 'credentials_rotated', message: 'rotated' });
    expect((await expiring()).every((e) => e.resolvedAt !== null)).toBe(true);
  });
});
