// SPEC §6 S-2 under chaos (§14 R-1 in small): the worker process is killed with SIGKILL after
// Shopify created the fulfillment and before the shipment activity returned. A fresh worker
// process takes Temporal's retry, finds the fulfillment by its tracking number, and the order ends
// shipped with exactly one fulfillment on the emulator.
//
// Storelink runs as bench/stack-process.ts (the real worker with the real activities, its own
// database) in a child process; the database outlives it (PGlite in a folder, or a Postgres
// database of this file when DATABASE_URL is set). The emulator holds the fulfillmentCreate answer
// it will drop (dropResponseAfterMs), so the kill lands inside the window every time.
import crypto from 'node:crypto';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { temporal as proto } from '@temporalio/proto';
import { orderStateQuery, postShipmentUpdate, workflowIds, type ShipmentPosted } from '../../src/client';
import { EmulatorClient } from '../../emulators/shopify/client';
import { startShopifyEmulator, type ShopifyEmulator } from '../../emulators/shopify/server';
import {
  benchPostgres,
  bundle,
  createShop,
  forkStorelink,
  orderCounts,
  startDownload,
  waitForOrders,
  type ReleasedOrder,
  type StackParts,
  type StorelinkProcess,
} from '../../bench/order-stack';
import type { StackProcessOptions } from '../../bench/stack-process';
import { eventually } from '../helpers/eventually';
import { recordHistoryForReplay } from '../helpers/replay';
import { connectTestTemporal, uniqueTaskQueue, type TestTemporal } from '../helpers/temporal';

const { EventType, PendingActivityState, TimeoutType } = proto.api.enums.v1;

let dir: string;
let temporal: TestTemporal;
let emulator: ShopifyEmulator;
let postgres: Awaited<ReturnType<typeof benchPostgres>>;
let options: StackProcessOptions;
/** The Storelink process running now; the test replaces it. */
let storelink: StorelinkProcess;
let stack: StackParts;

async function startStorelink(): Promise<StorelinkProcess> {
  const started = forkStorelink(options);
  await started.ready;
  return started;
}

beforeAll(async () => {
  dir = fs.mkdtempSync(path.join(os.tmpdir(), 'storelink-chaos-s2-'));
  const taskQueue = uniqueTaskQueue('chaos-s2');
  let workflowBundlePath: string;
  [temporal, postgres, emulator, workflowBundlePath] = await Promise.all([
    connectTestTemporal(taskQueue),
    benchPostgres(),
    startShopifyEmulator(),
    bundle(dir, 'workflows', require.resolve('../../src/workflows')),
  ]);
  options = {
    temporalAddress: temporal.temporal.address,
    taskQueue,
    ...(postgres ? { databaseUrl: postgres.url } : { pgliteDataDir: path.join(dir, 'pglite') }),
    encryptionKey: crypto.randomBytes(32).toString('base64'),
    maxCachedWorkflows: 10,
    api: false,
    workflowBundlePath,
  };
  storelink = await startStorelink();
  stack = {
    client: temporal.client,
    emulator,
    admin: new EmulatorClient(emulator.url),
    taskQueue,
    call: (method, ...args) => storelink.call(method, ...args),
  };
}, 120_000);

afterAll(async () => {
  await storelink?.call('close').catch(() => undefined);
  await storelink?.exited;
  await emulator?.close();
  await temporal?.close();
  await postgres?.drop();
  if (dir) fs.rmSync(dir, { recursive: true, force: true });
});

it('S-2 the worker killed between "fulfillment created" and "recorded": still exactly one fulfillment on the emulator', async () => {
  const shop = await createShop(stack, { name: 's2', orders: 1 });
  await startDownload(stack, shop);
  await waitForOrders(stack, shop, 'the order released', (c) => c.released === 1, 30_000);
  const [order] = await stack.call<ReleasedOrder[]>('releasedOrders', shop.connectionId, 1);
  const handle = temporal.client.workflow.getHandle(workflowIds.order(shop.connectionId, order!.channelOrderId));
  const fulfillments = async () => {
    const res = await stack.admin.admin<{ order_id: number; admin_graphql_api_id: string; tracking_numbers: string[] }[]>('GET', `/shops/${shop.domain}/fulfillments`);
    return res.body.filter((f) => `gid://shopify/Order/${f.order_id}` === order!.channelOrderId);
  };

  await stack.admin.admin('PUT', `/shops/${shop.domain}/faults`, { dropResponseNext: 1, dropResponseOperation: 'StorelinkFulfillmentCreate', dropResponseAfterMs: 60_000 });
  const tracking = `1ZS2${crypto.randomBytes(4).toString('hex').toUpperCase()}`;
  const shipment: ShipmentPosted = { wmsShipmentId: 'S2-1', carrier: 'UPS', service: 'Ground', trackingNumbers: [tracking], trackingUrl: null, shippedAt: new Date().toISOString(), lines: order!.lines };
  await handle.executeUpdate(postShipmentUpdate, { args: [shipment] });

  // Inside the window: Shopify has the fulfillment, the first attempt still waits for its answer.
  await eventually('Shopify created the fulfillment', async () => (await fulfillments()).length === 1);
  const { raw } = await handle.describe();
  expect(raw.pendingActivities).toEqual([
    expect.objectContaining({ activityType: expect.objectContaining({ name: 'sendShipmentInfo' }), attempt: 1, state: PendingActivityState.PENDING_ACTIVITY_STATE_STARTED }),
  ]);
  const killed = storelink;
  killed.child.kill('SIGKILL');
  await killed.exited;
  expect(killed.child.signalCode).toBe('SIGKILL');

  storelink = await startStorelink();
  // Temporal retries once the killed attempt's heartbeat times out; a shipment that ends other
  // than `sent` fails here with its message instead of leaving the order waiting for a re-send.
  const settled = await eventually(
    'the shipment settled',
    async () => {
      const { shipments } = await handle.query(orderStateQuery);
      return shipments[0]?.status === 'pending' ? null : shipments;
    },
    60_000,
  );
  expect(settled).toEqual([{ wmsShipmentId: 'S2-1', status: 'sent', message: 'the store already had this tracking number', channelFulfillmentId: expect.any(String) }]);
  const view = await handle.result();
  expect(view.status).toBe('shipped');
  const [only, ...more] = await fulfillments();
  expect(more).toEqual([]);
  expect(only).toMatchObject({ admin_graphql_api_id: view.shipments[0]!.channelFulfillmentId, tracking_numbers: [tracking] });
  expect(await orderCounts(stack, shop)).toMatchObject({ stored: 1, shipped: 1 });

  // The attempt that completed ran in the new process, after the first one's heartbeat timed out.
  const events = (await handle.fetchHistory()).events ?? [];
  const scheduled = events.find((e) => e.activityTaskScheduledEventAttributes?.activityType?.name === 'sendShipmentInfo')!;
  const started = events.find((e) => e.eventType === EventType.EVENT_TYPE_ACTIVITY_TASK_STARTED && String(e.activityTaskStartedEventAttributes!.scheduledEventId) === String(scheduled.eventId));
  expect(started?.activityTaskStartedEventAttributes).toMatchObject({ attempt: 2, identity: expect.stringMatching(new RegExp(`^${storelink.child.pid}@`)) });
  expect(started!.activityTaskStartedEventAttributes!.lastFailure?.timeoutFailureInfo?.timeoutType).toBe(TimeoutType.TIMEOUT_TYPE_HEARTBEAT);
  await recordHistoryForReplay(temporal.client, handle.workflowId, 'order-s2-worker-killed');
}, 120_000);
