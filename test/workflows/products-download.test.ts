import crypto from 'node:crypto';
import { WorkflowFailedError } from '@temporalio/client';
import { ActivityFailure, ApplicationFailure } from '@temporalio/common';
import type { Worker } from '@temporalio/worker';
import { and, count, countDistinct, eq, max } from 'drizzle-orm';
import pino from 'pino';
import { createProductsActivities } from '../../src/activities/products';
import type { DatabaseHandle } from '../../src/db/client';
import { saveCredentials } from '../../src/db/repositories/credentials';
import { listEvents } from '../../src/db/repositories/integration-events';
import { readHighWater } from '../../src/db/repositories/sync-cursors';
import { connections, listings, products } from '../../src/db/schema';
import { productsDownloadProgressQuery, type ProductsDownloadSummary, workflowIds } from '../../src/definitions';
import { productsDownloadWorkflow, type ProductsDownloadInput } from '../../src/workflows/products-download';
import { createSecretBox } from '../../src/security/secret-box';
import { createWorker } from '../../src/worker';
import { EmulatorClient } from '../../emulators/shopify/client';
import { DEMO_SCOPES } from '../../emulators/shopify/seed';
import { startShopifyEmulator, type ShopifyEmulator } from '../../emulators/shopify/server';
import { createTestDatabase } from '../helpers/db';
import { connectTestTemporal, uniqueTaskQueue, type TestTemporal } from '../helpers/temporal';

// Real Temporal dev server + the Shopify emulator + this file's own database. The worker is
// registered here with only the products workflow and its real activities.

const taskQueue = uniqueTaskQueue('products-download');
const box = createSecretBox(crypto.randomBytes(32));
const SECRET = 'products-test-secret';
const TOKEN = 'shpat_products_test';
let temporal: TestTemporal;
let db: DatabaseHandle;
let emulator: ShopifyEmulator;
let admin: EmulatorClient;
let worker: Worker;
let running: Promise<void>;
/** The store's clock runs this far ahead of ours: lets a test say "later on the store" without sleeping. */
let storeClockAheadMs = 0;

beforeAll(async () => {
  [temporal, db, emulator] = await Promise.all([connectTestTemporal(taskQueue), createTestDatabase(), startShopifyEmulator({ now: () => Date.now() + storeClockAheadMs })]);
  admin = new EmulatorClient(emulator.url);
  worker = await createWorker({
    connection: temporal.nativeConnection,
    namespace: temporal.temporal.namespace,
    taskQueue,
    activities: createProductsActivities({ db: db.db, secrets: box, log: pino({ level: 'silent' }), temporal: temporal.client }),
    workflows: { workflowsPath: require.resolve('../../src/workflows/products-download') },
  });
  running = worker.run();
}, 120_000);

afterAll(async () => {
  worker?.shutdown();
  await running;
  await Promise.all([emulator?.close(), db?.close(), temporal?.close()]);
});

async function createShop(domain: string, seedProducts: number): Promise<void> {
  const res = await admin.admin('POST', '/shops', { domain, appSecret: SECRET, plan: 'plus', tokens: [{ token: TOKEN, scopes: DEMO_SCOPES }], seed: { products: seedProducts, seed: 7 } });
  expect(res.status).toBe(201);
}

async function connectShop(domain: string): Promise<string> {
  const [row] = await db.db.insert(connections).values({ channel: 'shopify', clientCode: domain.split('.')[0]!.toUpperCase(), warehouseCode: 'WH1', storeIdentity: domain, status: 'completed' }).returning();
  await saveCredentials(db.db, box, row!.id, { shop: domain, accessToken: TOKEN, appSecret: SECRET, baseUrl: emulator.url });
  return row!.id;
}

async function runDownload(input: ProductsDownloadInput): Promise<ProductsDownloadSummary> {
  return temporal.client.workflow.execute(productsDownloadWorkflow, { taskQueue, workflowId: workflowIds.productsDownload(input.connectionId), args: [input] });
}

/** Every SKU on the emulated store, one per variant. */
function storeSkus(domain: string): string[] {
  return [...emulator.store.requireShop(domain).variants.values()].map((v) => v.sku!).sort();
}

async function clientProducts(clientCode: string) {
  return db.db.select().from(products).where(eq(products.clientCode, clientCode));
}

describe('productsDownloadWorkflow on the dev server with the Shopify emulator', () => {
  const big = 'catalogue.myshopify.com';
  let bigConnection: string;

  it('P-1 P-8 imports a 5,000-product catalogue: every SKU present once, progress queryable, history bounded by continue-as-new', async () => {
    await createShop(big, 5000);
    bigConnection = await connectShop(big);
    const skus = storeSkus(big);
    expect(emulator.store.requireShop(big).products.size).toBe(5000);

    const started = Date.now();
    const handle = await temporal.client.workflow.start(productsDownloadWorkflow, {
      taskQueue,
      workflowId: workflowIds.productsDownload(bigConnection),
      args: [{ connectionId: bigConnection, pagesPerActivity: 40, activitiesPerRun: 3 }],
    });
    // progress is visible while it runs (query, with a deadline instead of a sleep)
    const deadline = Date.now() + 120_000;
    let seen = 0;
    while (seen === 0 && Date.now() < deadline) seen = (await handle.query(productsDownloadProgressQuery)).counts.productsSeen;
    expect(seen).toBeGreaterThan(0);
    const summary = await handle.result();
    const elapsed = Date.now() - started;
    process.stdout.write(`\n[products-download] 5,000 products / ${skus.length} variants imported in ${(elapsed / 1000).toFixed(1)} s\n`);

    expect(summary).toMatchObject({ state: 'completed', updatedSince: null, unlinkedListings: 0 });
    expect(summary.counts).toMatchObject({ productsSeen: 5000, itemsSeen: skus.length, created: skus.length, updated: 0, listingsCreated: skus.length, warnings: 0 });
    const [stats] = await db.db.select({ n: count(), distinct: countDistinct(products.sku) }).from(products).where(eq(products.clientCode, 'CATALOGUE'));
    expect(stats).toEqual({ n: skus.length, distinct: skus.length });
    expect((await clientProducts('CATALOGUE')).map((p) => p.sku).sort()).toEqual(skus);
    const [linked] = await db.db.select({ n: count(), distinct: countDistinct(listings.productId) }).from(listings).where(eq(listings.connectionId, bigConnection));
    expect(linked).toEqual({ n: skus.length, distinct: skus.length });

    // the cursor is the store's latest change; the run continued as new (bounded history)
    const latest = Math.max(...[...emulator.store.requireShop(big).products.values()].map((p) => p.updatedAt));
    expect(await readHighWater(db.db, bigConnection, 'products')).toEqual(new Date(latest));
    const description = await handle.describe();
    expect(description.runId).not.toBe(handle.firstExecutionRunId);
    const metadata = await temporal.client.workflow.getHandle(handle.workflowId).query<{ currentDetails?: string }>('__temporal_workflow_metadata');
    expect(metadata.currentDetails).toContain(`${skus.length} created`);
  }, 600_000);

  it('P-8 a second run changes nothing: no product written, no event but the run summary', async () => {
    const before = await listEvents(db.db, bigConnection);
    const [lastWrite] = await db.db.select({ at: max(products.updatedAt) }).from(products).where(eq(products.clientCode, 'CATALOGUE'));
    const started = Date.now();
    const summary = await runDownload({ connectionId: bigConnection });
    process.stdout.write(`[products-download] second run re-read ${summary.counts.productsSeen} products (overlap) in ${((Date.now() - started) / 1000).toFixed(1)} s\n`);

    expect(summary.updatedSince).not.toBeNull();
    expect(summary.counts).toMatchObject({ created: 0, updated: 0, listingsCreated: 0, relinked: 0, warnings: 0 });
    const [after] = await db.db.select({ at: max(products.updatedAt) }).from(products).where(eq(products.clientCode, 'CATALOGUE'));
    expect(after).toEqual(lastWrite);
    const events = (await listEvents(db.db, bigConnection)).slice(before.length);
    expect(events.map((e) => e.code)).toEqual(['products_download_completed']);
    expect(before.map((e) => e.code)).toEqual(['products_download_completed']);
  }, 600_000);

  describe('changes on a small store', () => {
    const small = 'small.myshopify.com';
    let connectionId: string;

    beforeAll(async () => {
      await createShop(small, 30);
      connectionId = await connectShop(small);
      const first = await runDownload({ connectionId });
      expect(first.counts.created).toBe(storeSkus(small).length);
    }, 120_000);

    it('P-3 title, barcode, price, image and a new variant on the store reach the product on the next run', async () => {
      const shop = emulator.store.requireShop(small);
      const target = [...shop.products.values()].find((p) => p.variantIds.length === 1)!;
      const variantId = target.variantIds[0]!;
      const sku = shop.variants.get(variantId)!.sku!;
      await admin.admin('PATCH', `/shops/${small}/products/${target.id}`, { title: 'Renamed Tote', images: [{ url: 'https://cdn.shopify.example/new.jpg' }] });
      await admin.admin('PATCH', `/shops/${small}/variants/${variantId}`, { barcode: '0000000000017', price: '77.70' });
      await admin.admin('POST', `/shops/${small}/products/${target.id}/variants`, { title: 'Gift wrapped', sku: `${sku}-GIFT`, price: '80.00' });

      const summary = await runDownload({ connectionId });
      expect(summary.counts).toMatchObject({ created: 1, updated: 1 });
      const bySku = new Map((await clientProducts('SMALL')).map((p) => [p.sku, p]));
      // its first variant keeps Shopify's "Default Title", which names nothing: the product title alone
      expect(bySku.get(sku)).toMatchObject({ name: 'Renamed Tote', description: 'Renamed Tote', upc: '0000000000017', price: '77.7000', imageUrls: ['https://cdn.shopify.example/new.jpg'] });
      expect(bySku.get(`${sku}-GIFT`)).toMatchObject({ name: 'Renamed Tote - Gift wrapped', price: '80.0000' });
    }, 120_000);

    it('P-4 re-links a recreated item by SKU and logs it', async () => {
      const shop = emulator.store.requireShop(small);
      const old = [...shop.products.values()].find((p) => p.variantIds.length === 1 && p.title !== 'Renamed Tote')!;
      const oldVariant = shop.variants.get(old.variantIds[0]!)!;
      const [listing] = await db.db
        .select()
        .from(listings)
        .where(and(eq(listings.connectionId, connectionId), eq(listings.channelItemId, `gid://shopify/ProductVariant/${oldVariant.id}`)));
      // deleted on the store (the emulator has no delete route: drop it from its state) …
      shop.products.delete(old.id);
      shop.variants.delete(oldVariant.id);
      shop.inventoryItems.delete(oldVariant.inventoryItemId);
      // … and recreated later with new ids and the same SKU
      storeClockAheadMs += 5_000;
      const res = await admin.admin<{ variants: { admin_graphql_api_id: string }[] }>('POST', `/shops/${small}/products`, { title: old.title, variants: [{ sku: oldVariant.sku, price: oldVariant.price }] });
      const newItemId = res.body.variants[0]!.admin_graphql_api_id;

      const summary = await runDownload({ connectionId });
      expect(summary.counts).toMatchObject({ relinked: 1, listingsCreated: 0, created: 0 });
      const [after] = await db.db.select().from(listings).where(eq(listings.id, listing!.id));
      expect(after).toMatchObject({ channelItemId: newItemId, productId: listing!.productId });
      const relinks = (await listEvents(db.db, connectionId)).filter((e) => e.code === 'listing_relinked');
      expect(relinks).toHaveLength(1);
      expect(relinks[0]!.message).toContain(oldVariant.sku!);
    }, 120_000);

    it('P-8 a failed page fetch is retried from the last committed page, not from the first', async () => {
      const mid = 'midsize.myshopify.com';
      await createShop(mid, 200);
      const midConnection = await connectShop(mid);
      await admin.admin('DELETE', `/shops/${mid}/counters`);
      await admin.admin('PUT', `/shops/${mid}/faults`, { errorRate: 0.3, errorStatus: 503 });
      const summary = await runDownload({ connectionId: midConnection });
      await admin.admin('DELETE', `/shops/${mid}/faults`);

      const pages = Math.ceil(200 / 21);
      const counters = (await admin.admin<Record<string, number>>('GET', `/shops/${mid}/counters`)).body;
      expect(counters.injectedErrors).toBeGreaterThan(0);
      // each injected error costs exactly one extra request: no committed page is fetched twice
      expect(counters.requests).toBe(pages + counters.injectedErrors!);
      expect(summary.counts).toMatchObject({ pages, productsSeen: 200, created: storeSkus(mid).length });
      expect((await clientProducts('MIDSIZE')).length).toBe(storeSkus(mid).length);
    }, 180_000);

    it('C-5 rejected credentials fail the run as a non-retryable `auth` failure with one error event', async () => {
      await admin.admin('DELETE', `/shops/${small}/tokens/${TOKEN}`);
      try {
        const failure = await runDownload({ connectionId }).catch((e: unknown) => e);
        expect(failure).toBeInstanceOf(WorkflowFailedError);
        const activityFailure = (failure as WorkflowFailedError).cause;
        expect(activityFailure).toBeInstanceOf(ActivityFailure);
        expect(activityFailure!.cause).toBeInstanceOf(ApplicationFailure);
        expect(activityFailure!.cause).toMatchObject({ type: 'auth', nonRetryable: true });
        const errors = (await listEvents(db.db, connectionId)).filter((e) => e.severity === 'error');
        expect(errors).toHaveLength(1);
        expect(errors[0]).toMatchObject({ code: 'products_download_auth', category: 'auth' });
        expect(JSON.stringify(errors[0])).not.toContain(TOKEN);
      } finally {
        await admin.admin('PUT', `/shops/${small}/tokens`, { token: TOKEN, scopes: DEMO_SCOPES });
      }
    }, 120_000);
  });
});
