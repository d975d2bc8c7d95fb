import { and, eq } from 'drizzle-orm';
import { createApiToken } from '../../src/db/repositories/api-tokens';
import { saveConnectionSettings } from '../../src/db/repositories/connections';
import pino from 'pino';
import { createActivities } from '../../src/activities';
import { markProductsDirty } from '../../src/db/repositories/inventory';
import { findProductsBySku, setKitComponents } from '../../src/db/repositories/products';
import { inventoryLevels, listings } from '../../src/db/schema';
import { inventoryStateQuery, type InventoryReconcileSummary, type InventoryView, workflowIds, workflowTypes } from '../../src/definitions';
import { parseConnectionSettings, type ConnectionSettingsInput } from '../../src/domain/connection-settings';
import { startTestApi, type RunningApi } from '../helpers/api';
import { recordHistoryForReplay } from '../helpers/replay';
import { address, connectShop, createShopOrder, downloadOrders, eventsOf, eventually, startOrderWorld, type Json, type OrderWorld, type TestShop } from './order-harness';

// Inventory sync end to end (SPEC §7): WMS levels over HTTP → dirty listings → the connection's
// inventoryWorkflow on the real dev server → inventorySetQuantities on the Shopify emulator,
// whose quantities, mutation counters and cost bucket are the truth the tests read.

const COALESCE_MS = 2000;
let world: OrderWorld;
let api: RunningApi;
let apiToken: string;

beforeAll(async () => {
  world = await startOrderWorld('inventory', { inventoryCoalesceMs: COALESCE_MS, inventoryStaleRetryMs: 1000 });
  api = await startTestApi({ db: world.database.db, temporal: world.temporal.client, taskQueue: world.taskQueue, secrets: world.secrets, inventoryCoalesceMs: COALESCE_MS });
  apiToken = (await createApiToken(world.database.db, 'inventory-test')).token;
}, 120_000);

afterAll(async () => {
  await api?.close();
  await world?.close();
});

async function call<T = Json>(method: string, path: string, body?: unknown): Promise<{ status: number; body: T }> {
  const res = await fetch(`${api.url}${path}`, {
    method,
    headers: { authorization: `Bearer ${apiToken}`, ...(body === undefined ? {} : { 'content-type': 'application/json' }) },
    body: body === undefined ? undefined : JSON.stringify(body),
  });
  return { status: res.status, body: (await res.json()) as T };
}

interface SyncedShop extends TestShop {
  clientCode: string;
  location: string;
  otherLocation: string;
}

/** A completed connection with its products downloaded, syncing inventory from WH1 to the shop's first location. */
async function syncedShop(name: string, settings: ConnectionSettingsInput = {}, products = 20): Promise<SyncedShop> {
  const shop = await connectShop(world, name, {}, { products });
  const locations = await world.admin.graphql<{ locations: { nodes: { id: string }[] } }>(shop.domain, shop.token, '{ locations(first: 5) { nodes { id } } }');
  const [location, otherLocation] = locations.body.data!.locations.nodes.map((n) => n.id) as [string, string];
  await world.temporal.client.workflow.execute(workflowTypes.productsDownload, {
    workflowId: `${workflowIds.productsDownload(shop.connectionId)}:test`,
    taskQueue: world.taskQueue,
    args: [{ connectionId: shop.connectionId }],
  });
  const parsed = parseConnectionSettings({ syncInventory: true, locationMap: { WH1: location }, ...settings }, { channel: 'shopify', setupCompleted: true });
  if (!parsed.ok) throw new Error(JSON.stringify(parsed.problems));
  await saveConnectionSettings(world.database.db, shop.connectionId, parsed.settings);
  return { ...shop, clientCode: name.toUpperCase(), location, otherLocation };
}

/** The emulator's quantities at one location, by SKU. */
async function storeQuantities(shop: SyncedShop, location = shop.location): Promise<Map<string, { available: number; onHand: number; inventoryItemId: number }>> {
  const res = await world.admin.admin<Json[]>('GET', `/shops/${shop.domain}/inventory`);
  const locationId = Number(location.split('/').pop());
  return new Map(res.body.filter((l) => l.location_id === locationId && l.sku).map((l) => [l.sku as string, { available: l.available as number, onHand: l.on_hand as number, inventoryItemId: l.inventory_item_id as number }]));
}

async function counters(shop: SyncedShop): Promise<Json> {
  return (await world.admin.admin<Json>('GET', `/shops/${shop.domain}/counters`)).body;
}

async function postLevels(shop: SyncedShop, levels: { sku: string; onHand: number; allocated?: number; asOf: string; warehouseCode?: string }[]) {
  const res = await call('POST', '/v1/inventory/levels', { clientCode: shop.clientCode, levels: levels.map((l) => ({ warehouseCode: 'WH1', ...l })) });
  expect(res.status).toBe(200);
  return res.body;
}

function loop(shop: SyncedShop) {
  return world.temporal.client.workflow.getHandle(workflowIds.inventory(shop.connectionId));
}

/** Waits until the loop is idle with nothing left to push, and returns its view. */
async function settled(shop: SyncedShop): Promise<InventoryView> {
  return eventually(
    `the inventory loop of ${shop.domain} to settle`,
    async () => {
      const view = await loop(shop).query(inventoryStateQuery);
      if (view.state !== 'idle' || view.backlog.ready > 0 || view.backlog.waiting > 0) return null;
      const rows = await world.database.db.select().from(listings).where(eq(listings.connectionId, shop.connectionId));
      return rows.every((l) => l.inventoryDirtyGeneration <= l.inventoryPushedGeneration) ? view : null;
    },
    60_000,
  );
}

const at = (secondsAgo: number) => new Date(Date.now() - secondsAgo * 1000).toISOString();

describe('inventory sync', () => {
  test('I-3/I-6: a burst of 1,000 level changes for 300 SKUs becomes ≤ 2 mutations and the store ends on exactly the last levels', async () => {
    const shop = await syncedShop('burst', {}, 200);
    const skus = [...(await storeQuantities(shop)).keys()].sort().slice(0, 300);
    expect(skus).toHaveLength(300);
    const before = await counters(shop);

    // 1,000 changes in 10 posts: every SKU changes 3 or 4 times, later posts carry newer as-of times.
    const expected = new Map<string, number>();
    const last = new Map<string, { sku: string; onHand: number; asOf: string }>();
    const posts: Promise<unknown>[] = [];
    for (let post = 0; post < 10; post++) {
      const asOf = at(100 - post);
      const levels = Array.from({ length: 100 }, (_, i) => {
        const sku = skus[(post * 100 + i) % 300]!;
        const onHand = 10 + ((post * 7 + i) % 50);
        expected.set(sku, onHand);
        last.set(sku, { sku, onHand, asOf });
        return { sku, onHand, asOf };
      });
      posts.push(postLevels(shop, levels));
    }
    await Promise.all(posts);

    const view = await settled(shop);
    const status = await call('GET', `/v1/connections/${shop.connectionId}/inventory`);
    expect(status.body).toMatchObject({ state: 'idle', webUiUrl: expect.stringContaining(encodeURIComponent(workflowIds.inventory(shop.connectionId))) });
    // Every SKU was pushed, except where the store happened to show the target already.
    expect(status.body.lastPush.pushed + status.body.lastPush.unchanged).toBe(300);
    const after = await counters(shop);
    expect(after.mutations - before.mutations).toBeLessThanOrEqual(2);
    expect(view.totals.mutations).toBeLessThanOrEqual(2);
    const store = await storeQuantities(shop);
    for (const [sku, onHand] of expected) expect({ sku, available: store.get(sku)!.available }).toEqual({ sku, available: onHand });

    // Posting the last levels again changes nothing: no push at all.
    const repeat = await postLevels(shop, [...last.values()]);
    expect(repeat).toMatchObject({ applied: 0, unchanged: 300, stale: [] });
    expect((await counters(shop)).mutations).toBe(after.mutations);
    await recordHistoryForReplay(world.temporal.client, workflowIds.inventory(shop.connectionId), 'inventory-burst');
  }, 180_000);

  test('I-1: an order imported after the level’s as-of time lowers the pushed quantity; shipping it is the WMS’s next level', async () => {
    const shop = await syncedShop('inflight');
    const [sku] = [...(await storeQuantities(shop)).keys()].sort();
    await postLevels(shop, [{ sku: sku!, onHand: 40, allocated: 5, asOf: at(60) }]);
    await settled(shop);
    expect((await storeQuantities(shop)).get(sku!)!.available).toBe(35);

    const order = await createShopOrder(world, shop, { lineItems: [{ sku, quantity: 3 }], shippingAddress: address, financialStatus: 'PAID' });
    await downloadOrders(world, shop);
    await settled(shop);
    // Shopify took the 3 as committed itself; our sellable agrees: 40 − 5 − 3 in flight = 32.
    expect((await storeQuantities(shop)).get(sku!)!.available).toBe(32);
    const explain = await call('GET', `/v1/inventory/explain?connection=${shop.connectionId}&sku=${sku}`);
    expect(explain.body.listings[0].locations[0]).toMatchObject({ quantity: 32, synced: true, skip: null });
    expect(explain.body.listings[0].locations[0].formula).toContain('40 on hand − 5 allocated − 3 in flight − 0 buffer = 32');
    expect(order.id).toBeDefined();

    // The WMS allocates the released order in its next level: nothing counts twice.
    await postLevels(shop, [{ sku: sku!, onHand: 40, allocated: 8, asOf: at(0) }]);
    await settled(shop);
    expect((await storeQuantities(shop)).get(sku!)!.available).toBe(32);
  }, 120_000);

  test('I-2: a kit follows its scarcest component', async () => {
    const shop = await syncedShop('kits');
    const [kitSku, a, b] = [...(await storeQuantities(shop)).keys()].sort();
    const products = await findProductsBySku(world.database.db, shop.clientCode, [kitSku!]);
    await setKitComponents(world.database.db, products.get(kitSku!)!.id, [
      { sku: a!, quantity: 2 },
      { sku: b!, quantity: 1 },
    ]);
    await postLevels(shop, [
      { sku: a!, onHand: 20, asOf: at(30) },
      { sku: b!, onHand: 7, asOf: at(30) },
    ]);
    await settled(shop);
    expect((await storeQuantities(shop)).get(kitSku!)!.available).toBe(7); // min(20/2, 7/1)
    await postLevels(shop, [{ sku: a!, onHand: 9, asOf: at(10) }]);
    await settled(shop);
    const store = await storeQuantities(shop);
    expect(store.get(kitSku!)!.available).toBe(4); // floor(9/2)
    expect(store.get(a!)!.available).toBe(9);
    const explain = await call('GET', `/v1/inventory/explain?connection=${shop.connectionId}&sku=${kitSku}`);
    expect(explain.body.listings[0].locations[0].formula).toContain(`limited by ${a}`);
  }, 120_000);

  test('I-6: throttling pressure delays pushes but loses nothing', async () => {
    const shop = await syncedShop('throttled', {}, 60);
    const skus = [...(await storeQuantities(shop)).keys()].sort().slice(0, 80);
    const before = await counters(shop);
    const expected = new Map<string, number>();
    for (let round = 0; round < 4; round++) {
      // Drain before each burst: the push finds an empty bucket every time.
      await world.admin.admin('POST', `/shops/${shop.domain}/throttle/drain`);
      const levels = skus.map((sku, i) => ({ sku, onHand: round * 100 + i, asOf: at(50 - round) }));
      for (const l of levels) expected.set(l.sku, l.onHand);
      await postLevels(shop, levels);
    }
    await settled(shop);
    const store = await storeQuantities(shop);
    for (const [sku, onHand] of expected) expect({ sku, available: store.get(sku)!.available }).toEqual({ sku, available: onHand });
    // The drained bucket answered THROTTLED at least once; the pushes waited and went on.
    expect((await counters(shop)).throttled).toBeGreaterThan(before.throttled);
  }, 180_000);

  test('I-8: concurrent level posts for one SKU end on the newest, never negative; older ones are reported and logged', async () => {
    const shop = await syncedShop('concurrent');
    const [sku] = [...(await storeQuantities(shop)).keys()].sort();
    // 30 posts race; as-of order is shuffled against arrival order.
    const order = Array.from({ length: 30 }, (_, i) => (i * 7) % 30);
    const results = await Promise.all(order.map((n) => postLevels(shop, [{ sku: sku!, onHand: 100 + n, asOf: at(300 - n) }])));
    await settled(shop);
    expect((await storeQuantities(shop)).get(sku!)!.available).toBe(129);
    const stale = await postLevels(shop, [{ sku: sku!, onHand: 1, asOf: at(1000) }]);
    expect(stale.applied).toBe(0);
    expect(stale.stale).toEqual([expect.objectContaining({ sku, warehouseCode: 'WH1' })]);
    expect(results.reduce((n, r) => n + (r.applied as number), 0)).toBeGreaterThanOrEqual(1);
    // A full post of 10,000 levels with every field is over the API-wide 1 MiB limit, and still taken.
    const full = Array.from({ length: 10_000 }, (_, i) => ({ sku: `NOT-A-SKU-${i}`, warehouseCode: 'WH1', onHand: 1_000_000 + i, allocated: 123_456, asOf: at(0) }));
    expect(JSON.stringify({ clientCode: shop.clientCode, levels: full }).length).toBeGreaterThan(1024 * 1024);
    const unknown = await call('POST', '/v1/inventory/levels', { clientCode: shop.clientCode, levels: full });
    expect(unknown.status).toBe(200);
    expect(unknown.body).toMatchObject({ applied: 0 });
    expect(unknown.body.unknownSkus).toHaveLength(10_000);
    const negative = await call('POST', '/v1/inventory/levels', { clientCode: shop.clientCode, levels: [{ sku, warehouseCode: 'WH1', onHand: -1, asOf: at(0) }] });
    expect(negative.status).toBe(400);
    expect(negative.body.error.message).toContain('onHand');
    await settled(shop);
    expect((await storeQuantities(shop)).get(sku!)!.available).toBe(129);
  }, 120_000);

  test('I-4: a stale compare-and-swap re-reads the store and pushes again; on_hand method sets on_hand', async () => {
    const shop = await syncedShop('cas', { inventorySyncMethod: 'on_hand', inventoryBuffer: 2 });
    const [sku] = [...(await storeQuantities(shop)).keys()].sort();
    await postLevels(shop, [{ sku: sku!, onHand: 50, allocated: 10, asOf: at(60) }]);
    await settled(shop);
    expect((await storeQuantities(shop)).get(sku!)!.onHand).toBe(48); // 50 on hand − 2 buffer
    // Someone changes the store behind our back; our next push's base is stale.
    const item = (await storeQuantities(shop)).get(sku!)!;
    await world.admin.admin('PUT', `/shops/${shop.domain}/inventory`, { inventoryItemId: item.inventoryItemId, locationId: Number(shop.location.split('/').pop()), onHand: 45 });
    await postLevels(shop, [{ sku: sku!, onHand: 30, asOf: at(30) }]);
    await settled(shop);
    expect((await storeQuantities(shop)).get(sku!)!.onHand).toBe(28);
    const events = await eventsOf(world, shop.connectionId);
    expect(events.some((e) => e.code === 'inventory_push_stale')).toBe(true);
  }, 120_000);

  test('I-5: never-synced listings are skipped with their reason, and explain says why', async () => {
    const shop = await syncedShop('skips');
    const [neverSku, otherSku] = [...(await storeQuantities(shop)).keys()].sort();
    const before = await storeQuantities(shop);
    const [neverListing] = await world.database.db.select().from(listings).where(and(eq(listings.connectionId, shop.connectionId), eq(listings.channelSku, neverSku!)));
    expect((await call('PATCH', `/v1/listings/${neverListing!.id}`, { neverSync: true })).body).toMatchObject({ neverSync: true });
    await postLevels(shop, [
      { sku: neverSku!, onHand: 3, asOf: at(5) },
      { sku: otherSku!, onHand: 4, asOf: at(5), warehouseCode: 'WH2' }, // WH2 maps to no location
    ]);
    await settled(shop);
    const after = await storeQuantities(shop);
    expect(after.get(neverSku!)!.available).toBe(before.get(neverSku!)!.available);
    expect(after.get(otherSku!)!.available).toBe(before.get(otherSku!)!.available);
    const never = await call('GET', `/v1/inventory/explain?connection=${shop.connectionId}&sku=${neverSku}`);
    expect(never.body.listings[0].locations[0].skip.reason).toBe('never_sync');
    const unlevelled = await call('GET', `/v1/inventory/explain?connection=${shop.connectionId}&sku=${otherSku}`);
    expect(unlevelled.body.listings[0].locations[0].skip.reason).toBe('no_wms_level');
    const rows = await world.database.db.select().from(listings).where(eq(listings.connectionId, shop.connectionId));
    expect(rows.find((l) => l.channelSku === neverSku)!.inventorySkipReason).toBe('never_sync');
    expect((await call('GET', `/v1/inventory/explain?connection=${shop.connectionId}&sku=NOPE`)).status).toBe(404);
    // Clearing Never Sync pushes the listing's current quantity.
    await call('PATCH', `/v1/listings/${neverListing!.id}`, { neverSync: false });
    await settled(shop);
    expect((await storeQuantities(shop)).get(neverSku!)!.available).toBe(3);
    const never_ran = await syncedShop('idle-loop', {}, 1);
    expect((await call('GET', `/v1/connections/${never_ran.connectionId}/inventory`)).body).toMatchObject({ state: 'stopped', reason: expect.stringContaining('no inventory loop has run') });
  }, 120_000);

  test('I-3: the loop continues as new carrying its totals, so its history stays bounded and nothing is lost', async () => {
    const shop = await syncedShop('bounded');
    const [sku] = [...(await storeQuantities(shop)).keys()].sort();
    const first = await world.temporal.client.workflow.start(workflowTypes.inventory, {
      workflowId: workflowIds.inventory(shop.connectionId),
      taskQueue: world.taskQueue,
      args: [{ connectionId: shop.connectionId, coalesceMs: 200, cyclesPerRun: 2 }],
    });
    for (const [n, onHand] of [11, 12, 13].entries()) {
      await postLevels(shop, [{ sku: sku!, onHand, asOf: at(30 - n) }]);
      await settled(shop);
      expect((await storeQuantities(shop)).get(sku!)!.available).toBe(onHand);
    }
    const current = await loop(shop).describe();
    expect(current.runId).not.toBe(first.firstExecutionRunId);
    const view = await loop(shop).query(inventoryStateQuery);
    expect(view.totals.cycles).toBeGreaterThanOrEqual(3); // carried across runs
    expect(view.totals.pushed).toBe(3);
  }, 120_000);

  test('E-4: a loop that missed its wake-up is reported as stalled and woken; the event resolves once it pushed', async () => {
    const shop = await syncedShop('stalled');
    const [sku] = [...(await storeQuantities(shop)).keys()].sort();
    await postLevels(shop, [{ sku: sku!, onHand: 5, asOf: at(60) }]);
    await settled(shop);
    // A level lands and its listing is marked, but the wake-up is lost (as if the API died between the two).
    const products = await findProductsBySku(world.database.db, shop.clientCode, [sku!]);
    await world.database.db.update(inventoryLevels).set({ onHand: 6, asOf: new Date() }).where(eq(inventoryLevels.productId, products.get(sku!)!.id));
    await markProductsDirty(world.database.db, [products.get(sku!)!.id]);
    const health = createActivities({ db: world.database.db, secrets: world.secrets, log: pino({ level: 'silent' }), temporal: world.temporal.client, taskQueue: world.taskQueue, wms: null, inventoryCoalesceMs: COALESCE_MS, inventoryWakeGraceMs: 200 });
    expect(await health.checkSyncHealth({ connectionId: shop.connectionId })).toEqual({ stalled: true });
    const stalled = (await eventsOf(world, shop.connectionId)).find((e) => e.code === 'inventory_loop_stalled');
    expect(stalled?.message).toContain('missed its wake-up');
    await settled(shop);
    expect((await storeQuantities(shop)).get(sku!)!.available).toBe(6);
    expect(await health.checkSyncHealth({ connectionId: shop.connectionId })).toEqual({ stalled: false });
    expect((await eventsOf(world, shop.connectionId)).find((e) => e.code === 'inventory_loop_stalled')?.resolvedAt).not.toBeNull();
  }, 120_000);

  test('I-7: reconcile corrects a quantity changed on the store behind our back and reports it', async () => {
    const shop = await syncedShop('reconcile');
    const [sku] = [...(await storeQuantities(shop)).keys()].sort();
    await postLevels(shop, [{ sku: sku!, onHand: 12, asOf: at(60) }]);
    await settled(shop);
    const item = (await storeQuantities(shop)).get(sku!)!;
    await world.admin.admin('PUT', `/shops/${shop.domain}/inventory`, { inventoryItemId: item.inventoryItemId, locationId: Number(shop.location.split('/').pop()), available: 99 });
    const summary = await world.temporal.client.workflow.execute<(input: { connectionId: string }) => Promise<InventoryReconcileSummary>>(workflowTypes.inventoryReconcile, {
      workflowId: `${workflowIds.inventoryReconcile(shop.connectionId)}:test`,
      taskQueue: world.taskQueue,
      args: [{ connectionId: shop.connectionId }],
    });
    expect(summary).toMatchObject({ state: 'completed', drifted: 1, examples: [{ sku, channel: 99, expected: 12 }] });
    await settled(shop);
    expect((await storeQuantities(shop)).get(sku!)!.available).toBe(12);
    const events = await eventsOf(world, shop.connectionId);
    expect(events.find((e) => e.code === 'inventory_drift_corrected')?.message).toContain(`${sku}: store showed 99, should be 12`);
  }, 120_000);
});
