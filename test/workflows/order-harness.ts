import crypto from 'node:crypto';
import type { WorkflowHandle } from '@temporalio/client';
import type { Worker } from '@temporalio/worker';
import { eq } from 'drizzle-orm';
import pino from 'pino';
import { createActivities } from '../../src/activities';
import type { WmsWebhookConfig } from '../../src/config';
import type { DatabaseHandle } from '../../src/db/client';
import { createConnection, updateConnectionState } from '../../src/db/repositories/connections';
import { saveCredentials } from '../../src/db/repositories/credentials';
import { findOrderByChannelId, type OrderRow } from '../../src/db/repositories/orders';
import { integrationEvents } from '../../src/db/schema';
import { orderStateQuery, workflowIds, workflowTypes, type OrdersDownloadMode, type OrdersDownloadProgress, type OrderView } from '../../src/definitions';
import { parseConnectionSettings, type ConnectionSettingsInput } from '../../src/domain/connection-settings';
import { createSecretBox, type SecretBox } from '../../src/security/secret-box';
import { createWorker } from '../../src/worker';
import { EmulatorClient } from '../../emulators/shopify/client';
import { DEMO_SCOPES } from '../../emulators/shopify/seed';
import { startShopifyEmulator, type ShopifyEmulator } from '../../emulators/shopify/server';
import { createTestDatabase } from '../helpers/db';
import { connectTestTemporal, uniqueTaskQueue, type TestTemporal } from '../helpers/temporal';

export { eventually } from '../helpers/eventually';

/**
 * The order tests' world: the real dev server with a worker of the real workflows and activities,
 * this file's own database, the Shopify emulator, and completed connections made directly in the
 * database (the connection workflow has tests of its own).
 */

export const APP_SECRET = 'order-test-app-secret';

export interface OrderWorld {
  temporal: TestTemporal;
  database: DatabaseHandle;
  emulator: ShopifyEmulator;
  admin: EmulatorClient;
  secrets: SecretBox;
  taskQueue: string;
  worker: Worker;
  close(): Promise<void>;
}

export interface OrderWorldOptions {
  wms?: WmsWebhookConfig | null;
  /** I-3/I-4 timings of the inventory activities (defaults: 1 s window, 30 s stale wait) */
  inventoryCoalesceMs?: number;
  inventoryStaleRetryMs?: number;
}

export async function startOrderWorld(prefix: string, options: OrderWorldOptions = {}): Promise<OrderWorld> {
  const taskQueue = uniqueTaskQueue(prefix);
  const secrets = createSecretBox(crypto.randomBytes(32));
  const [temporal, database, emulator] = await Promise.all([connectTestTemporal(taskQueue), createTestDatabase(), startShopifyEmulator()]);
  const worker = await createWorker({
    connection: temporal.nativeConnection,
    namespace: temporal.temporal.namespace,
    taskQueue,
    activities: createActivities({
      db: database.db,
      secrets,
      log: pino({ level: 'silent' }),
      temporal: temporal.client,
      taskQueue,
      wms: options.wms ?? null,
      inventoryCoalesceMs: options.inventoryCoalesceMs,
      inventoryStaleRetryMs: options.inventoryStaleRetryMs,
    }),
    workflows: { workflowsPath: require.resolve('../../src/workflows') },
  });
  const running = worker.run();
  return {
    temporal,
    database,
    emulator,
    admin: new EmulatorClient(emulator.url),
    secrets,
    taskQueue,
    worker,
    async close() {
      worker.shutdown();
      await running;
      await Promise.all([emulator.close(), database.close(), temporal.close()]);
    },
  };
}

export interface TestShop {
  domain: string;
  token: string;
  connectionId: string;
}

/** A shop on the emulator and a completed connection to it, with the given settings. */
export async function connectShop(world: OrderWorld, name: string, settings: ConnectionSettingsInput = {}, seed: { products?: number; orders?: number } = {}): Promise<TestShop> {
  const domain = `${name}-${crypto.randomBytes(3).toString('hex')}.myshopify.com`;
  const token = `shpat_test_${name}`;
  const created = await world.admin.admin('POST', '/shops', {
    domain,
    name: `${name} store`,
    appSecret: APP_SECRET,
    tokens: [{ token, scopes: DEMO_SCOPES }],
    seed: { products: seed.products ?? 10, orders: seed.orders ?? 0, seed: 5 },
  });
  if (created.status !== 201) throw new Error(`emulator refused the shop: ${JSON.stringify(created.body)}`);
  const parsed = parseConnectionSettings(settings, { channel: 'shopify', setupCompleted: true });
  if (!parsed.ok) throw new Error(`bad test settings: ${JSON.stringify(parsed.problems)}`);
  const row = await createConnection(world.database.db, { channel: 'shopify', clientCode: name.toUpperCase(), warehouseCode: 'WH1', displayName: `${name} store`, active: true, settings: parsed.settings });
  await saveCredentials(world.database.db, world.secrets, row.id, { shop: domain, accessToken: token, appSecret: APP_SECRET, baseUrl: world.emulator.url });
  await updateConnectionState(world.database.db, row.id, { status: 'completed', statusReason: null, active: true });
  return { domain, token, connectionId: row.id };
}

/** Runs one download of the connection to its end. */
export async function downloadOrders(world: OrderWorld, shop: TestShop, mode: OrdersDownloadMode = { kind: 'incremental' }): Promise<OrdersDownloadProgress> {
  return world.temporal.client.workflow.execute(workflowTypes.ordersDownload, {
    workflowId: `${workflowIds.ordersDownload(shop.connectionId)}:${crypto.randomBytes(3).toString('hex')}`,
    taskQueue: world.taskQueue,
    args: [{ connectionId: shop.connectionId, mode }],
  });
}

// eslint-disable-next-line @typescript-eslint/no-explicit-any -- emulator answers, read field by field
export type Json = Record<string, any>;

export async function createShopOrder(world: OrderWorld, shop: TestShop, order: Json): Promise<Json> {
  const res = await world.admin.admin<Json>('POST', `/shops/${shop.domain}/orders`, order);
  if (res.status !== 201) throw new Error(`emulator refused the order: ${JSON.stringify(res.body)}`);
  return res.body;
}

/** The emulator's catalogue SKUs, so orders can use known products. */
export async function shopSkus(world: OrderWorld, shop: TestShop): Promise<string[]> {
  const res = await world.admin.graphql<{ productVariants: { nodes: { sku: string | null }[] } }>(shop.domain, shop.token, '{ productVariants(first: 50) { nodes { sku } } }');
  return res.body.data!.productVariants.nodes.map((n) => n.sku).filter((s): s is string => !!s);
}

export const address = { firstName: 'Ada', lastName: 'Lovelace', address1: '1 Analytical Way', city: 'London', countryCode: 'GB', zip: 'N1 9GU' };

export function orderHandle(world: OrderWorld, row: Pick<OrderRow, 'connectionId' | 'channelOrderId'>): WorkflowHandle {
  return world.temporal.client.workflow.getHandle(workflowIds.order(row.connectionId, row.channelOrderId));
}

export async function storedOrder(world: OrderWorld, shop: TestShop, channelOrderId: string): Promise<OrderRow | undefined> {
  return findOrderByChannelId(world.database.db, shop.connectionId, channelOrderId);
}

export async function orderState(world: OrderWorld, row: Pick<OrderRow, 'connectionId' | 'channelOrderId'>): Promise<OrderView> {
  return orderHandle(world, row).query(orderStateQuery);
}

export async function eventsOf(world: OrderWorld, connectionId: string) {
  return world.database.db.select().from(integrationEvents).where(eq(integrationEvents.connectionId, connectionId));
}
