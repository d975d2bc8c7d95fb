import { WorkflowUpdateFailedError } from '@temporalio/client';
import {
  cancelOrderUpdate,
  orderStateQuery,
  postShipmentUpdate,
  releaseHoldUpdate,
  wmsProgressUpdate,
  type ShipmentPosted,
} from '../../src/client';
import { createApiToken } from '../../src/db/repositories/api-tokens';
import { createMissingProducts, findProductsBySku, setKitComponents } from '../../src/db/repositories/products';
import { WmsSimulatorClient } from '../../emulators/wms/client';
import { startWmsSimulator, type WmsSimulator } from '../../emulators/wms/server';
import { startTestApi, type RunningApi } from '../helpers/api';
import { recordHistoryForReplay } from '../helpers/replay';
import {
  address,
  connectShop,
  createShopOrder,
  downloadOrders,
  eventsOf,
  eventually,
  orderHandle,
  orderState,
  shopSkus,
  startOrderWorld,
  storedOrder,
  type Json,
  type OrderWorld,
  type TestShop,
} from './order-harness';

// Orders end to end (SPEC §5, §6): Shopify emulator → ordersDownloadWorkflow → one orderWorkflow
// per order on the real dev server → signed release to the WMS simulator → WMS progress and
// shipments as Temporal updates (the WMS's direct path, O-2) → fulfillments on the emulator.

const WMS_SECRET = 'orders-test-wms-secret-0123456789';
let world: OrderWorld;
let wms: WmsSimulator;
let wmsAdmin: WmsSimulatorClient;
let shop: TestShop;
let skus: string[];
let api: RunningApi;

beforeAll(async () => {
  wms = await startWmsSimulator({ secret: WMS_SECRET, autoShip: false });
  wmsAdmin = new WmsSimulatorClient(wms.url);
  world = await startOrderWorld('orders', { wms: { url: wms.webhookUrl, secret: WMS_SECRET, timeoutMs: 5_000 } });
  shop = await connectShop(world, 'orders', {
    orderFilters: { financialStatuses: ['paid', 'pending', 'authorized'] },
    tagRules: [{ tag: 'FraudReview', action: 'hold' }, { tag: 'fraud', action: 'do_not_download' }],
  });
  skus = await shopSkus(world, shop);
  api = await startTestApi({ db: world.database.db, temporal: world.temporal.client, taskQueue: world.taskQueue, secrets: world.secrets });
  wms.setStorelink(api.url, (await createApiToken(world.database.db, 'wms')).token);
}, 120_000);

afterAll(async () => {
  await api?.close();
  await world?.close();
  await wms?.close();
});

function order(extra: Json = {}): Json {
  return { email: 'ada@example.com', financialStatus: 'PAID', shippingAddress: address, lineItems: [{ sku: skus[0], quantity: 2 }], ...extra };
}

async function importOne(extra: Json = {}) {
  const created = await createShopOrder(world, shop, order(extra));
  await downloadOrders(world, shop);
  const row = await eventually('the order stored', () => storedOrder(world, shop, created.admin_graphql_api_id));
  return { created, row };
}

function shipment(id: string, lines: { sku: string; quantity: number }[], tracking = `1Z${id}`): ShipmentPosted {
  return { wmsShipmentId: id, carrier: 'UPS', service: 'Ground', trackingNumbers: [tracking], trackingUrl: null, shippedAt: new Date().toISOString(), lines };
}

async function fulfillmentsOf(channelOrderId: string): Promise<Json[]> {
  const res = await world.admin.admin<Json[]>('GET', `/shops/${shop.domain}/fulfillments`);
  return res.body.filter((f) => f.order_id === Number(channelOrderId.split('/').pop()) || f.admin_graphql_api_order_id === channelOrderId);
}

async function refusal(call: Promise<unknown>): Promise<string> {
  try {
    await call;
  } catch (error) {
    if (error instanceof WorkflowUpdateFailedError) return error.cause?.message ?? error.message;
    throw error;
  }
  throw new Error('expected the update to be refused');
}

describe('order lifecycle', () => {
  it('O-1 a paid order is released once to the WMS with a signed webhook, then shipped and sent to Shopify (S-1)', async () => {
    const { created, row } = await importOne();
    expect(row.status).toBe('open');
    const received = await wmsAdmin.waitForOrder(row.id, (o) => o.receivedCount >= 1, 'the release');
    expect(received.order.lines).toEqual([expect.objectContaining({ sku: skus[0], quantity: 2 })]);

    const handle = orderHandle(world, row);
    await handle.executeUpdate(wmsProgressUpdate, { args: [{ type: 'started' }] });
    await handle.executeUpdate(postShipmentUpdate, { args: [shipment(`S1-${row.orderNumber}`, [{ sku: skus[0]!, quantity: 2 }])] });
    const view = await eventually('the order shipped', async () => {
      const v = await orderState(world, row);
      return v.status === 'shipped' && v.shipments[0]?.status === 'sent' ? v : null;
    });
    expect(view.shipments[0]!.channelFulfillmentId).toMatch(/^gid:\/\/shopify\/Fulfillment\//);
    const fulfillments = await fulfillmentsOf(created.admin_graphql_api_id);
    expect(fulfillments).toHaveLength(1);
    expect(await handle.result()).toMatchObject({ status: 'shipped' });
    await recordHistoryForReplay(world.temporal.client, handle.workflowId, 'order-o1-release-ship');
    expect((await storedOrder(world, shop, created.admin_graphql_api_id))!.status).toBe('shipped');
    // A second download of the same order changes nothing and starts nothing (its workflow is closed).
    await downloadOrders(world, shop);
    expect((await wmsAdmin.orders()).find((o) => o.order.id === row.id)!.receivedCount).toBe(1);
  });

  it('OD-4 a pending order waits in pending_payment and is released when paid', async () => {
    const { created, row } = await importOne({ financialStatus: 'PENDING' });
    expect(row.status).toBe('pending_payment');
    expect((await orderState(world, row)).status).toBe('pending_payment');
    await world.admin.admin('PATCH', `/shops/${shop.domain}/orders/${created.id}`, { financialStatus: 'PAID' });
    await downloadOrders(world, shop);
    await eventually('released after payment', async () => (await orderState(world, row)).released);
    await wmsAdmin.waitForOrder(row.id, (o) => o.receivedCount === 1, 'the release');
    expect((await storedOrder(world, shop, created.admin_graphql_api_id))!.status).toBe('open');
  });

  it('OD-5 a FraudReview tag holds the order until ops release it (O-7)', async () => {
    const { row } = await importOne({ tags: ['FraudReview'] });
    expect(row).toMatchObject({ status: 'on_hold', holdReason: 'tag:FraudReview' });
    const handle = orderHandle(world, row);
    expect(await refusal(handle.executeUpdate(postShipmentUpdate, { args: [shipment('X1', [{ sku: skus[0]!, quantity: 1 }])] }))).toMatch(/not released/i);
    await handle.executeUpdate(releaseHoldUpdate, { args: [{ by: 'test' }] });
    await eventually('released', async () => (await orderState(world, row)).released);
    expect((await eventsOf(world, shop.connectionId)).some((e) => e.entityId === row.id && e.code === 'hold_released')).toBe(true);
  });

  it('OD-5 a do_not_download tag skips the order with a reason (OD-3)', async () => {
    const created = await createShopOrder(world, shop, order({ tags: ['fraud'] }));
    await downloadOrders(world, shop);
    expect(await storedOrder(world, shop, created.admin_graphql_api_id)).toBeUndefined();
    const skip = (await eventsOf(world, shop.connectionId)).find((e) => e.entityId === created.admin_graphql_api_id && e.code === 'order_skipped');
    expect(skip?.details).toMatchObject({ reason: 'tag_do_not_download' });
  });

  it('O-5 a cancellation before the WMS started cancels the order and tells the WMS', async () => {
    const { created, row } = await importOne();
    await wmsAdmin.waitForOrder(row.id, (o) => o.receivedCount === 1, 'the release');
    await world.admin.admin('POST', `/shops/${shop.domain}/orders/${created.id}/cancel`, {});
    await downloadOrders(world, shop);
    expect(await orderHandle(world, row).result()).toMatchObject({ status: 'cancelled' });
    await wmsAdmin.waitForOrder(row.id, (o) => o.events.some((e) => e.event === 'order.cancelled'), 'the cancellation notice');
  });

  it('O-5 a cancellation after the WMS started becomes cancel_requested with an error for ops', async () => {
    const { created, row } = await importOne();
    await eventually('released', async () => (await orderState(world, row)).released);
    await orderHandle(world, row).executeUpdate(wmsProgressUpdate, { args: [{ type: 'started' }] });
    await world.admin.admin('POST', `/shops/${shop.domain}/orders/${created.id}/cancel`, {});
    await downloadOrders(world, shop);
    await eventually('cancel_requested', async () => (await orderState(world, row)).status === 'cancel_requested');
    const error = await eventually('the error event', async () => (await eventsOf(world, shop.connectionId)).find((e) => e.entityId === row.id && e.code === 'cancel_requested'));
    expect(error.severity).toBe('error');
    // Ops stop it in the warehouse and cancel it here (O-7).
    await orderHandle(world, row).executeUpdate(cancelOrderUpdate, { args: [{ by: 'test', reason: 'stopped in the warehouse' }] });
    expect(await orderHandle(world, row).result()).toMatchObject({ status: 'cancelled' });
    await recordHistoryForReplay(world.temporal.client, orderHandle(world, row).workflowId, 'order-o5-cancel-requested');
  });

  it('OD-8 an address change after the WMS started is logged, not applied', async () => {
    const { created, row } = await importOne();
    await eventually('released', async () => (await orderState(world, row)).released);
    await orderHandle(world, row).executeUpdate(wmsProgressUpdate, { args: [{ type: 'started' }] });
    await world.admin.admin('PATCH', `/shops/${shop.domain}/orders/${created.id}`, { shippingAddress: { ...address, address1: '2 Difference Engine Rd' } });
    await downloadOrders(world, shop);
    const warning = await eventually('the warning', async () => (await eventsOf(world, shop.connectionId)).find((e) => e.entityId === row.id && e.code === 'changes_not_applied'));
    expect(warning.message).toMatch(/shipping address/);
    const stored = await storedOrder(world, shop, created.admin_graphql_api_id);
    expect((stored!.shippingAddress as Json).address1).toBe('1 Analytical Way');
  });

  it('S-4 two partial shipments: the first leaves the order partially shipped, the second ships it, tracking of both kept', async () => {
    const { created, row } = await importOne({ lineItems: [{ sku: skus[0], quantity: 1 }, { sku: skus[1], quantity: 2 }] });
    await eventually('released', async () => (await orderState(world, row)).released);
    const handle = orderHandle(world, row);
    await handle.executeUpdate(postShipmentUpdate, { args: [shipment(`P1-${row.orderNumber}`, [{ sku: skus[0]!, quantity: 1 }], `TRK1-${row.id}`)] });
    await eventually('partially shipped', async () => {
      const v = await orderState(world, row);
      return v.status === 'partially_shipped' && v.shipments[0]?.status === 'sent';
    });
    await handle.executeUpdate(postShipmentUpdate, { args: [shipment(`P2-${row.orderNumber}`, [{ sku: skus[1]!, quantity: 2 }], `TRK2-${row.id}`)] });
    expect(await handle.result()).toMatchObject({ status: 'shipped' });
    await recordHistoryForReplay(world.temporal.client, handle.workflowId, 'order-s4-partial-shipments');
    const fulfillments = await fulfillmentsOf(created.admin_graphql_api_id);
    expect(fulfillments.flatMap((f) => f.tracking_numbers ?? [f.tracking_number]).sort()).toEqual([`TRK1-${row.id}`, `TRK2-${row.id}`]);
  });

  it('O-3 the same shipment posted twice has no effect', async () => {
    const { created, row } = await importOne();
    await eventually('released', async () => (await orderState(world, row)).released);
    const handle = orderHandle(world, row);
    const body = shipment(`D1-${row.orderNumber}`, [{ sku: skus[0]!, quantity: 2 }]);
    await handle.executeUpdate(postShipmentUpdate, { args: [body] });
    await handle.executeUpdate(postShipmentUpdate, { args: [body] });
    expect(await handle.result()).toMatchObject({ status: 'shipped', shipments: [expect.objectContaining({ status: 'sent' })] });
    expect(await fulfillmentsOf(created.admin_graphql_api_id)).toHaveLength(1);
  });

  it('S-2 a fulfillment the channel already has (created before a crash) is not sent again', async () => {
    const { created, row } = await importOne();
    await eventually('released', async () => (await orderState(world, row)).released);
    // What a worker that died after Shopify created the fulfillment, before recording it, leaves behind.
    const tracking = `CRASH-${row.id}`;
    const state = await world.admin.admin<Json>('GET', `/shops/${shop.domain}/orders/${created.id}`);
    const fo = state.body.fulfillment_orders[0];
    const made = await world.admin.graphql(shop.domain, shop.token, `mutation($f: FulfillmentInput!) { fulfillmentCreate(fulfillment: $f) { fulfillment { id } userErrors { message } } }`, {
      f: { lineItemsByFulfillmentOrder: [{ fulfillmentOrderId: fo.admin_graphql_api_id }], trackingInfo: { number: tracking } },
    });
    expect(made.status).toBe(200);
    await orderHandle(world, row).executeUpdate(postShipmentUpdate, { args: [shipment(`C1-${row.orderNumber}`, [{ sku: skus[0]!, quantity: 2 }], tracking)] });
    const done = await orderHandle(world, row).result();
    expect(done.shipments[0]).toMatchObject({ status: 'sent', message: expect.stringMatching(/already had/) });
    expect(await fulfillmentsOf(created.admin_graphql_api_id)).toHaveLength(1);
  });

  it('S-3 a quantity the store no longer has open is rejected with Shopify\'s message in the error queue', async () => {
    const { created, row } = await importOne();
    await eventually('released', async () => (await orderState(world, row)).released);
    await world.admin.admin('POST', `/shops/${shop.domain}/orders/${created.id}/refund`, { lineItems: [{ lineItemId: created.line_items[0].id, quantity: 1 }] });
    await orderHandle(world, row).executeUpdate(postShipmentUpdate, { args: [shipment(`R1-${row.orderNumber}`, [{ sku: skus[0]!, quantity: 2 }])] });
    const view = await eventually('rejected', async () => {
      const v = await orderState(world, row);
      return v.shipments[0]?.status === 'rejected' ? v : null;
    });
    expect(view.shipments[0]!.message).toBeTruthy();
    const error = (await eventsOf(world, shop.connectionId)).find((e) => e.code === 'shipment_rejected' && (e.details as Json).orderId === row.id);
    expect(error).toMatchObject({ severity: 'error', category: 'data' });
    expect(await fulfillmentsOf(created.admin_graphql_api_id)).toHaveLength(0);
  });

  it('OD-2 the same order by webhook twice and by poll at once: one order, one workflow, one release to the WMS', async () => {
    const subscribed = await world.admin.admin('POST', `/shops/${shop.domain}/webhooks`, { topic: 'orders/create', address: `${api.url}/webhooks/shopify` });
    expect(subscribed.status).toBe(201);
    await world.admin.admin('PUT', `/shops/${shop.domain}/webhooks/faults`, { duplicates: 1 });
    try {
      const created = await createShopOrder(world, shop, order());
      await downloadOrders(world, shop); // the poll, racing the two deliveries
      const row = await eventually('the order stored', () => storedOrder(world, shop, created.admin_graphql_api_id));
      await wmsAdmin.waitForOrder(row.id, (o) => o.receivedCount === 1, 'the release');
      const deliveries = await world.admin.admin<Json[]>('GET', `/shops/${shop.domain}/webhooks/deliveries`);
      expect(deliveries.body.filter((d) => d.topic === 'orders/create' && JSON.stringify(d).includes(String(created.id))).length).toBeGreaterThanOrEqual(2);
      const runs = await world.temporal.client.workflow.count(`WorkflowId = "${orderHandle(world, row).workflowId}"`);
      expect(runs.count).toBe(1);
      await downloadOrders(world, shop);
      const record = (await wmsAdmin.orders()).find((o) => o.order.id === row.id)!;
      expect(record).toMatchObject({ receivedCount: 1 });
    } finally {
      await world.admin.admin('PUT', `/shops/${shop.domain}/webhooks/faults`, { duplicates: 0 });
    }
  });

  it('S-2 the answer to fulfillmentCreate is lost after Shopify created it: the retry finds it by tracking number, exactly one fulfillment', async () => {
    const { created, row } = await importOne();
    await eventually('released', async () => (await orderState(world, row)).released);
    await world.admin.admin('PUT', `/shops/${shop.domain}/faults`, { dropResponseNext: 1, dropResponseOperation: 'StorelinkFulfillmentCreate' });
    try {
      await orderHandle(world, row).executeUpdate(postShipmentUpdate, { args: [shipment(`L1-${row.orderNumber}`, [{ sku: skus[0]!, quantity: 2 }])] });
      const done = await orderHandle(world, row).result();
      expect(done.shipments[0]).toMatchObject({ status: 'sent', message: expect.stringMatching(/already had/) });
      expect(await fulfillmentsOf(created.admin_graphql_api_id)).toHaveLength(1);
      expect((await world.admin.admin<Json>('GET', `/shops/${shop.domain}/faults`)).body.dropResponseNext).toBe(0);
    } finally {
      await world.admin.admin('DELETE', `/shops/${shop.domain}/faults`);
    }
  });

  it('S-5 5xx answers from Shopify are retried with backoff until the shipment is sent', async () => {
    const { created, row } = await importOne();
    await eventually('released', async () => (await orderState(world, row)).released);
    await world.admin.admin('PUT', `/shops/${shop.domain}/faults`, { failNext: 2, errorStatus: 503 });
    try {
      await orderHandle(world, row).executeUpdate(postShipmentUpdate, { args: [shipment(`T1-${row.orderNumber}`, [{ sku: skus[0]!, quantity: 2 }])] });
      expect(await orderHandle(world, row).result()).toMatchObject({ status: 'shipped', shipments: [expect.objectContaining({ status: 'sent' })] });
      expect(await fulfillmentsOf(created.admin_graphql_api_id)).toHaveLength(1);
    } finally {
      await world.admin.admin('DELETE', `/shops/${shop.domain}/faults`);
    }
  });

  it('S-6 a kit shipped as its components is sent back as the kit line', async () => {
    const kitSku = skus[2]!;
    const { created, row } = await importOne({ lineItems: [{ sku: kitSku, quantity: 1 }] });
    const made = await createMissingProducts(world.database.db, 'ORDERS', ['KIT-PART-A', 'KIT-PART-B'].map((sku) => ({ sku, fields: { name: sku, description: '', upc: null, price: null, imageUrls: [] } })));
    expect(made.bySku.size).toBe(2);
    const kit = (await findProductsBySku(world.database.db, 'ORDERS', [kitSku])).get(kitSku)!;
    await setKitComponents(world.database.db, kit.id, [{ sku: 'KIT-PART-A', quantity: 2 }, { sku: 'KIT-PART-B', quantity: 1 }]);
    await eventually('released', async () => (await orderState(world, row)).released);
    await orderHandle(world, row).executeUpdate(postShipmentUpdate, { args: [shipment(`K1-${row.orderNumber}`, [{ sku: 'KIT-PART-A', quantity: 2 }, { sku: 'KIT-PART-B', quantity: 1 }])] });
    expect(await orderHandle(world, row).result()).toMatchObject({ status: 'shipped' });
    const [fulfillment] = await fulfillmentsOf(created.admin_graphql_api_id);
    expect(fulfillment!.line_items).toEqual([expect.objectContaining({ sku: kitSku, quantity: 1 })]);
  });

  it('O-6 an order waiting for payment costs nothing: one timer (the OD-4 warning), no activity loop', async () => {
    const { row } = await importOne({ financialStatus: 'PENDING' });
    // Settled: the status is recorded and the workflow task after it (which starts the timer) is done.
    const kinds = await eventually('the order settled', async () => {
      const history = await orderHandle(world, row).fetchHistory();
      const events = (history.events ?? []).map((e) => Object.keys(e).find((k) => k.endsWith('Attributes')));
      return events.includes('timerStartedEventAttributes') && events.at(-1) !== 'workflowTaskScheduledEventAttributes' ? events : null;
    });
    expect(kinds.filter((k) => k === 'timerStartedEventAttributes')).toHaveLength(1);
    expect(kinds.filter((k) => k === 'activityTaskScheduledEventAttributes')).toHaveLength(1); // the status record
  });

  it('O-4 an order created in the WMS takes shipments that are recorded, not sent; a repeat of the create returns it', async () => {
    const token = (await createApiToken(world.database.db, 'o4')).token;
    const post = (path: string, body: unknown) =>
      fetch(`${api.url}${path}`, { method: 'POST', headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json' }, body: JSON.stringify(body) });
    const body = { connectionId: shop.connectionId, orderNumber: 'WMS-7001', lines: [{ sku: skus[0], quantity: 1 }] };
    const created = await post('/v1/orders', body);
    expect(created.status).toBe(201);
    const order = (await created.json()) as Json;
    expect((await post('/v1/orders', body)).status).toBe(200);
    const handle = world.temporal.client.workflow.getHandle(order.workflowId);
    expect((await handle.query(orderStateQuery)).released).toBe(true); // in the WMS already: no release notice
    const shipped = await post(`/v1/orders/${order.id}/shipments`, shipment('M1', [{ sku: skus[0]!, quantity: 1 }]));
    expect(shipped.status).toBe(202);
    expect(await handle.result()).toMatchObject({ status: 'shipped', shipments: [expect.objectContaining({ status: 'not_eligible' })] });
    const note = (await eventsOf(world, shop.connectionId)).find((e) => e.code === 'shipment_not_eligible' && e.message.includes('WMS-7001'));
    expect(note).toMatchObject({ severity: 'info' });
    expect((await wmsAdmin.orders()).some((o) => o.order.id === order.id)).toBe(false);
  });

  it('O-4 after the WMS changed an order\'s lines its shipments are recorded, not sent to the store', async () => {
    const { created, row } = await importOne();
    await eventually('released', async () => (await orderState(world, row)).released);
    const handle = orderHandle(world, row);
    await handle.executeUpdate(wmsProgressUpdate, { args: [{ type: 'lines_changed' }] });
    await handle.executeUpdate(postShipmentUpdate, { args: [shipment(`W1-${row.orderNumber}`, [{ sku: skus[0]!, quantity: 2 }])] });
    expect(await handle.result()).toMatchObject({ status: 'shipped', shipments: [expect.objectContaining({ status: 'not_eligible', message: expect.stringMatching(/lines were changed in the WMS/) })] });
    expect(await fulfillmentsOf(created.admin_graphql_api_id)).toHaveLength(0);
    expect((await storedOrder(world, shop, created.admin_graphql_api_id))!.linesChangedInWms).toBe(true);
  });

  it('OD-4 an order waiting for payment longer than maxPendingPaymentHours raises one warning and stays held', async () => {
    const impatient = await connectShop(world, 'impatient', { orderFilters: { financialStatuses: ['paid', 'pending'] }, maxPendingPaymentHours: 2 / 3600 });
    const created = await createShopOrder(world, impatient, order({ financialStatus: 'PENDING', lineItems: [{ sku: (await shopSkus(world, impatient))[0], quantity: 1 }] }));
    await downloadOrders(world, impatient);
    const row = await eventually('stored', () => storedOrder(world, impatient, created.admin_graphql_api_id));
    const warning = await eventually('the warning', async () => (await eventsOf(world, impatient.connectionId)).find((e) => e.entityId === row.id && e.code === 'pending_payment_too_long'), 15_000);
    expect(warning.severity).toBe('warning');
    expect((await orderState(world, row)).status).toBe('pending_payment');
    expect((await eventsOf(world, impatient.connectionId)).filter((e) => e.code === 'pending_payment_too_long')).toHaveLength(1);
  });
});
