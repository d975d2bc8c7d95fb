import crypto from 'node:crypto';
import { Client, Connection } from '@temporalio/client';
import { count, eq } from 'drizzle-orm';
import { runCli } from '../../src/cli/main';
import { createApiToken } from '../../src/db/repositories/api-tokens';
import { createConnection as insertConnection, updateConnectionState } from '../../src/db/repositories/connections';
import { recordEvent } from '../../src/db/repositories/integration-events';
import { integrationEvents, orders, shipments, webhookReceipts } from '../../src/db/schema';
import { workflowIds } from '../../src/definitions';
import { parseConnectionSettings } from '../../src/domain/connection-settings';
import { DEMO_SCOPES } from '../../emulators/shopify/seed';
import { signWebhook } from '../../emulators/shopify/webhooks';
import { startTestApi, type RunningApi } from '../helpers/api';
import { address, APP_SECRET, eventually, startOrderWorld, type Json, type OrderWorld } from '../workflows/order-harness';

// The orders, webhooks and error-queue API (SPEC §5, §6, §8, §9) end to end: HTTP on a real socket
// → Temporal dev server with a worker of the real workflows and activities → this file's own
// database and the Shopify emulator. The connection is made through the API, so its initial
// import brings the first orders in, as in production.

const WEB_UI = 'http://ui.test:8233/';
let world: OrderWorld;
let api: RunningApi;
let apiToken: string;
let shop: { domain: string; token: string };
let connectionId: string;
let skus: string[];
/** Orders created on the emulator before the connection, by role. */
const seeded: Record<'paid' | 'held' | 'noSku' | 'skipped', Json> = {} as never;

async function call(method: string, path: string, body?: unknown, init: { raw?: string; headers?: Record<string, string>; to?: string } = {}): Promise<{ status: number; body: Json }> {
  const hasBody = body !== undefined || init.raw !== undefined;
  const response = await fetch(`${init.to ?? api.url}${path}`, {
    method,
    headers: { authorization: `Bearer ${apiToken}`, ...(hasBody ? { 'content-type': 'application/json' } : {}), ...init.headers },
    body: init.raw ?? (body === undefined ? undefined : JSON.stringify(body)),
  });
  const text = await response.text();
  return { status: response.status, body: (text ? JSON.parse(text) : {}) as Json };
}

async function shopOrder(input: Json): Promise<Json> {
  const res = await world.admin.admin<Json>('POST', `/shops/${shop.domain}/orders`, { email: 'ada@example.com', financialStatus: 'PAID', shippingAddress: address, ...input });
  if (res.status !== 201) throw new Error(`emulator refused the order: ${JSON.stringify(res.body)}`);
  return res.body;
}

const orderByNumber = async (orderNumber: string): Promise<Json | undefined> =>
  (await call('GET', `/v1/orders?connectionId=${connectionId}&orderNumber=${encodeURIComponent(orderNumber)}`)).body.orders?.[0];

async function orderWithStatus(orderNumber: string, status: string): Promise<Json> {
  return eventually(`order ${orderNumber} ${status}`, async () => {
    const summary = await orderByNumber(orderNumber);
    return summary?.status === status ? summary : null;
  });
}

/** A delivery as Shopify sends it, signed with `secret`. */
function shopifyHeaders(body: string, options: { secret?: string; topic?: string; shop?: string; eventId?: string } = {}): Record<string, string> {
  return {
    'x-shopify-hmac-sha256': signWebhook(body, options.secret ?? APP_SECRET),
    'x-shopify-topic': options.topic ?? 'orders/updated',
    'x-shopify-shop-domain': options.shop ?? shop.domain,
    'x-shopify-webhook-id': crypto.randomUUID(),
    'x-shopify-event-id': options.eventId ?? crypto.randomUUID(),
  };
}

const orderPayload = (order: Json) => JSON.stringify({ id: order.id, admin_graphql_api_id: order.admin_graphql_api_id, updated_at: new Date().toISOString() });
const rowCount = async (table: typeof shipments | typeof webhookReceipts | typeof integrationEvents) => (await world.database.db.select({ n: count() }).from(table))[0]!.n;

beforeAll(async () => {
  world = await startOrderWorld('orders-api');
  api = await startTestApi({ db: world.database.db, temporal: world.temporal.client, taskQueue: world.taskQueue, secrets: world.secrets, webUiUrl: WEB_UI });
  apiToken = (await createApiToken(world.database.db, 'orders-test')).token;

  shop = { domain: `orders-api-${crypto.randomBytes(3).toString('hex')}.myshopify.com`, token: 'shpat_orders_api' };
  const created = await world.admin.admin('POST', '/shops', { domain: shop.domain, name: 'orders api store', appSecret: APP_SECRET, tokens: [{ token: shop.token, scopes: DEMO_SCOPES }], seed: { products: 8, orders: 0, seed: 7 } });
  expect(created.status).toBe(201);
  const variants = await world.admin.graphql<{ productVariants: { nodes: { sku: string | null }[] } }>(shop.domain, shop.token, '{ productVariants(first: 20) { nodes { sku } } }');
  skus = variants.body.data!.productVariants.nodes.map((n) => n.sku).filter((s): s is string => !!s);
  seeded.paid = await shopOrder({ lineItems: [{ sku: skus[0], quantity: 2 }, { sku: skus[1], quantity: 1 }] });
  seeded.held = await shopOrder({ tags: ['FraudReview'], lineItems: [{ sku: skus[0], quantity: 1 }] });
  seeded.noSku = await shopOrder({ lineItems: [{ title: 'Hand-written item', quantity: 1 }] });
  seeded.skipped = await shopOrder({ tags: ['fraud'], lineItems: [{ sku: skus[2], quantity: 1 }] });

  const connection = await call('POST', '/v1/connections', {
    channel: 'shopify',
    clientCode: 'ORDERSAPI',
    warehouseCode: 'WH1',
    credentials: { shop: shop.domain, accessToken: shop.token, appSecret: APP_SECRET, baseUrl: world.emulator.url },
    settings: { tagRules: [{ tag: 'FraudReview', action: 'hold' }, { tag: 'fraud', action: 'do_not_download' }] },
  });
  expect(connection.status).toBe(201);
  connectionId = connection.body.id as string;
  expect((await call('POST', `/v1/connections/${connectionId}/finish`)).status).toBe(200);
  await eventually('the initial import completed', async () => (await call('GET', `/v1/connections/${connectionId}`)).body.status === 'completed', 90_000);
}, 150_000);

afterAll(async () => {
  await api?.close();
  await world?.close();
});

describe('orders API (SPEC §9)', () => {
  it('O-1 lists released orders for the WMS pull: status=open&updatedSince, keyset pages that neither skip nor repeat', async () => {
    const paid = await orderWithStatus(seeded.paid.name, 'open');
    await eventually('the paid order released', async () => (await orderByNumber(seeded.paid.name))?.releasedAt);
    await orderWithStatus(seeded.held.name, 'on_hold');

    const all = (await call('GET', `/v1/orders?connectionId=${connectionId}`)).body;
    expect(all.orders.map((o: Json) => o.orderNumber).sort()).toEqual([seeded.paid.name, seeded.held.name].sort());
    const paged: string[] = [];
    let after: string | null = null;
    do {
      const page: Json = (await call('GET', `/v1/orders?connectionId=${connectionId}&limit=1${after ? `&after=${after}` : ''}`)).body;
      paged.push(...page.orders.map((o: Json) => o.id));
      after = page.nextAfter;
    } while (after);
    expect(paged).toEqual(all.orders.map((o: Json) => o.id));

    const pulled = (await call('GET', `/v1/orders?status=open&connectionId=${connectionId}&updatedSince=${encodeURIComponent(paid.updatedAt)}`)).body;
    expect(pulled.orders.map((o: Json) => o.id)).toEqual([paid.id]); // inclusive: the newest one seen comes again
    const future = new Date(Date.now() + 3_600_000).toISOString();
    expect((await call('GET', `/v1/orders?status=open&updatedSince=${encodeURIComponent(future)}`)).body.orders).toEqual([]);

    const workflowId = workflowIds.order(connectionId, seeded.paid.admin_graphql_api_id);
    expect(paid).toMatchObject({ workflowId, webUiUrl: `http://ui.test:8233/namespaces/default/workflows/${encodeURIComponent(workflowId)}` });
  });

  it('reads an order with lines, customer data, shipments and the live workflow state', async () => {
    const summary = await orderWithStatus(seeded.paid.name, 'open');
    const { status, body } = await call('GET', `/v1/orders/${summary.id}`);
    expect(status).toBe(200);
    expect(body).toMatchObject({
      channelOrderId: seeded.paid.admin_graphql_api_id,
      status: 'open',
      customer: { email: 'ada@example.com', shippingAddress: expect.objectContaining({ city: 'London' }) },
      shipments: [],
      live: { orderId: summary.id, status: 'open', released: true },
    });
    expect(body.lines.map((l: Json) => [l.sku, l.quantity, l.quantityToShip]).sort()).toEqual([[skus[0], 2, 2], [skus[1], 1, 1]].sort());
  });

  it('R-4 bad input on every order route is a 4xx with a clear message, and nothing is written', async () => {
    const paid = await orderWithStatus(seeded.paid.name, 'open');
    const before = { shipments: await rowCount(shipments), receipts: await rowCount(webhookReceipts) };
    const missing = crypto.randomUUID();
    const expectError = async (request: Promise<{ status: number; body: Json }>, status: number, message: RegExp) => {
      const answer = await request;
      expect({ status: answer.status, message: answer.body.error?.message }).toEqual({ status, message: expect.stringMatching(message) });
    };
    await expectError(call('GET', '/v1/orders?status=shipping'), 400, /querystring\.status/);
    await expectError(call('GET', '/v1/orders?after=bm90LWEtY3Vyc29y'), 400, /nextAfter value of a previous page/);
    await expectError(call('GET', '/v1/orders?updatedSince=yesterday'), 400, /ISO-8601/);
    await expectError(call('GET', '/v1/orders/not-a-uuid'), 400, /expected an order id \(uuid\)/);
    await expectError(call('GET', `/v1/orders/${missing}`), 404, new RegExp(`no order ${missing}`));
    await expectError(call('POST', `/v1/orders/${paid.id}/events`, undefined, { raw: '{"type":' }), 400, /not valid JSON/);
    await expectError(call('POST', `/v1/orders/${paid.id}/events`, { type: 'shipped' }), 400, /body\.type/);
    await expectError(call('POST', `/v1/orders/${missing}/events`, { type: 'started' }), 404, /no order/);

    const good = { wmsShipmentId: 'R4-1', trackingNumbers: ['1ZR4'], shippedAt: new Date().toISOString(), lines: [{ sku: skus[0], quantity: 1 }] };
    await expectError(call('POST', `/v1/orders/${paid.id}/shipments`, { ...good, trackingNumbers: [] }), 400, /store needs one/);
    await expectError(call('POST', `/v1/orders/${paid.id}/shipments`, { ...good, lines: [{ sku: skus[0], quantity: 0 }] }), 400, /body\.lines\.0\.quantity: must be at least 1/);
    await expectError(call('POST', `/v1/orders/${paid.id}/shipments`, { ...good, shippedAt: '2026-11-25T10:00:00' }), 400, /body\.shippedAt/);
    await expectError(call('POST', `/v1/orders/${paid.id}/shipments`, { ...good, wmsShipmentId: 'x'.repeat(201) }), 400, /at most 200/);
    await expectError(call('POST', `/v1/orders/${paid.id}/shipments`, { ...good, extra: 1 }), 400, /extra/);
    await expectError(call('POST', `/v1/orders/${missing}/shipments`, good), 404, /no order/);
    await expectError(call('POST', `/v1/orders/${paid.id}/cancel`, {}), 400, /body\.reason/);
    await expectError(call('POST', `/v1/orders/${paid.id}/shipments/nope/resend`), 409, /has no shipment nope/);

    const range = { updatedFrom: '2026-01-01T00:00:00Z', updatedTo: '2026-01-02T00:00:00Z' };
    await expectError(call('POST', '/v1/orders/reimport', { connectionId, channelOrderIds: ['1'], ...range }), 400, /body\.channelOrderIds: give either/);
    await expectError(call('POST', '/v1/orders/reimport', { connectionId }), 400, /body\.channelOrderIds: give channelOrderIds, or updatedFrom and updatedTo/);
    await expectError(call('POST', '/v1/orders/reimport', { connectionId, updatedFrom: range.updatedFrom }), 400, /body\.updatedTo: required with updatedFrom/);
    await expectError(call('POST', '/v1/orders/reimport', { connectionId, updatedFrom: range.updatedTo, updatedTo: range.updatedFrom }), 400, /body\.updatedTo: must be after updatedFrom/);
    await expectError(call('POST', '/v1/orders/reimport', { connectionId, channelOrderIds: Array.from({ length: 251 }, (_, i) => String(i)) }), 400, /at most 250/);
    await expectError(call('POST', '/v1/orders/reimport', { connectionId: missing, channelOrderIds: ['1'] }), 404, new RegExp(`no connection ${missing}`));
    const settings = parseConnectionSettings({}, { channel: 'shopify', setupCompleted: false });
    if (!settings.ok) throw new Error('default settings refused');
    const gone = await insertConnection(world.database.db, { channel: 'shopify', clientCode: 'GONE', warehouseCode: 'WH1', displayName: null, active: false, settings: settings.settings });
    await updateConnectionState(world.database.db, gone.id, { status: 'disconnected', statusReason: null, active: false });
    await expectError(call('POST', '/v1/orders/reimport', { connectionId: gone.id, channelOrderIds: ['1'] }), 409, /disconnected/);

    await expectError(call('POST', '/v1/errors/abc/retry'), 400, /expected an error id/);
    await expectError(call('POST', '/v1/errors/99999999/resolve'), 404, /no error 99999999/);
    await expectError(call('GET', '/v1/errors?resolved=maybe'), 400, /expected true or false/);
    expect({ shipments: await rowCount(shipments), receipts: await rowCount(webhookReceipts) }).toEqual(before);
    expect((await call('GET', '/v1/orders', undefined, { headers: { authorization: 'Bearer nope' } })).status).toBe(401);
  });

  it('O-2 WMS progress moves a released order; progress on a held order is a 409 with the workflow\'s reason', async () => {
    const paid = await orderWithStatus(seeded.paid.name, 'open');
    const started = await call('POST', `/v1/orders/${paid.id}/events`, { type: 'started' });
    expect(started).toMatchObject({ status: 200, body: { orderId: paid.id, status: 'in_progress' } });
    expect((await call('POST', `/v1/orders/${paid.id}/events`, { type: 'picked' })).body.status).toBe('in_progress');

    const held = await orderWithStatus(seeded.held.name, 'on_hold');
    const refused = await call('POST', `/v1/orders/${held.id}/events`, { type: 'started' });
    expect(refused.status).toBe(409);
    expect(refused.body.error).toMatchObject({ code: 'invalid_order_action', message: expect.stringMatching(/is on_hold .*has not been released to the WMS/) });
  });

  it('O-3 a posted shipment answers 202 pending, reaches the store once, and posting it again changes nothing', async () => {
    const paid = await orderByNumber(seeded.paid.name);
    const body = { wmsShipmentId: `S-${paid!.orderNumber}`, carrier: 'UPS', trackingNumbers: ['1ZAPI0001'], shippedAt: new Date().toISOString(), lines: [{ sku: skus[0], quantity: 2 }, { sku: skus[1], quantity: 1 }] };
    const posted = await call('POST', `/v1/orders/${paid!.id}/shipments`, body);
    expect(posted).toMatchObject({ status: 202, body: { wmsShipmentId: body.wmsShipmentId } });
    expect(['pending', 'sent']).toContain(posted.body.status); // pending unless the store answered within these milliseconds
    expect((await call('POST', `/v1/orders/${paid!.id}/shipments`, body)).status).toBe(202);

    const shipped = await eventually('the order shipped and its shipment sent', async () => {
      const order = (await call('GET', `/v1/orders/${paid!.id}`)).body;
      return order.status === 'shipped' && order.shipments[0]?.status === 'sent' ? order : null;
    });
    expect(shipped.shipments).toEqual([
      expect.objectContaining({ wmsShipmentId: body.wmsShipmentId, carrier: 'UPS', service: null, trackingNumbers: ['1ZAPI0001'], channelFulfillmentId: expect.stringMatching(/^gid:\/\/shopify\/Fulfillment\//) }),
    ]);
    // A repeat answers with what was recorded, also once the order's workflow has ended.
    expect(await call('POST', `/v1/orders/${paid!.id}/shipments`, body)).toMatchObject({ status: 202, body: { status: 'sent' } });
    await world.temporal.client.workflow.getHandle(shipped.workflowId).result();
    expect(await call('POST', `/v1/orders/${paid!.id}/shipments`, body)).toMatchObject({ status: 202, body: { status: 'sent' } });
    const fulfillments = (await world.admin.admin<Json[]>('GET', `/shops/${shop.domain}/fulfillments`)).body;
    expect(fulfillments.filter((f) => f.order_id === seeded.paid.id)).toHaveLength(1);
    const closed = await call('POST', `/v1/orders/${paid!.id}/events`, { type: 'packed' });
    expect(closed).toMatchObject({ status: 409, body: { error: { code: 'order_closed' } } });
  });

  it('O-7 ops release a hold and cancel with a reason; the workflow logs who did it', async () => {
    const held = await orderWithStatus(seeded.held.name, 'on_hold');
    const released = await call('POST', `/v1/orders/${held.id}/release`);
    expect(released).toMatchObject({ status: 200, body: { status: 'open', holdReason: null } });
    const cancelled = await call('POST', `/v1/orders/${held.id}/cancel`, { reason: 'customer called' });
    expect(cancelled).toMatchObject({ status: 200, body: { status: 'cancelled' } });
    expect((await call('POST', `/v1/orders/${held.id}/cancel`, { reason: 'again' })).status).toBe(409);
    const log = await eventually('the cancellation logged', async () => {
      const events = (await call('GET', `/v1/events?entityId=${held.id}&code=cancelled_by_ops`)).body.events;
      return events.length > 0 ? events : null;
    });
    expect(log[0].message).toMatch(/cancelled by api:orders-test: customer called/);
  });

  it('OD-11 re-import by id starts one refresh run and the order appears; a range re-import runs one reconciliation at a time', async () => {
    const late = await shopOrder({ lineItems: [{ sku: skus[3], quantity: 1 }] });
    const reimport = await call('POST', '/v1/orders/reimport', { connectionId, channelOrderIds: [late.admin_graphql_api_id, late.admin_graphql_api_id] });
    const refreshId = workflowIds.orderRefresh(connectionId, late.admin_graphql_api_id);
    expect(reimport).toMatchObject({ status: 202, body: { connectionId, workflows: [{ channelOrderId: late.admin_graphql_api_id, workflowId: refreshId }] } });
    await orderWithStatus(late.name, 'open');
    const runs = await eventually('the refresh run listed', async () => {
      const found = [];
      for await (const run of world.temporal.client.workflow.list({ query: `WorkflowId = '${refreshId}'` })) found.push(run);
      return found.length > 0 ? found : null;
    });
    expect(runs).toHaveLength(1);
    expect((await call('GET', `/v1/orders?orderNumber=${encodeURIComponent(late.name)}`)).body.orders).toHaveLength(1);

    // A slow store keeps the first range run busy while the second asks.
    await world.admin.admin('PUT', `/shops/${shop.domain}/faults`, { latencyMs: 1500 });
    try {
      const range = { connectionId, updatedFrom: new Date(Date.now() - 86_400_000).toISOString(), updatedTo: new Date().toISOString() };
      const first = await call('POST', '/v1/orders/reimport', range);
      expect(first).toMatchObject({ status: 202, body: { workflows: [{ channelOrderId: null, workflowId: workflowIds.ordersReconcile(connectionId) }] } });
      const second = await call('POST', '/v1/orders/reimport', range);
      expect(second.status).toBe(409);
      expect(second.body.error.message).toMatch(/a reconciliation of connection .* is running; try again/);
    } finally {
      await world.admin.admin('DELETE', `/shops/${shop.domain}/faults`);
    }
    const result = await world.temporal.client.workflow.getHandle(workflowIds.ordersReconcile(connectionId)).result();
    expect(result).toMatchObject({ mode: 'range', state: 'completed' });
    expect((await call('GET', `/v1/orders?connectionId=${connectionId}`)).body.orders).toHaveLength(3); // no duplicates
  });
});

describe('Shopify webhooks (OD-2)', () => {
  it('a delivery with a good HMAC re-reads its order; a duplicate delivery changes nothing', async () => {
    const receiptsBefore = await rowCount(webhookReceipts);
    await world.admin.admin('POST', `/shops/${shop.domain}/webhooks`, { topic: 'orders/create', address: `${api.url}/webhooks/shopify` });
    await world.admin.admin('PUT', `/shops/${shop.domain}/webhooks/faults`, { duplicates: 1 });
    const hinted = await shopOrder({ lineItems: [{ sku: skus[4], quantity: 1 }] });
    await orderWithStatus(hinted.name, 'open');
    const deliveries = await eventually('both copies delivered', async () => {
      const all = (await world.admin.admin<Json[]>('GET', `/shops/${shop.domain}/webhooks/deliveries`)).body;
      return all.length === 2 && all.every((d) => d.state === 'delivered') ? all : null;
    });
    expect(deliveries.map((d) => d.attempts.at(-1).status)).toEqual([200, 200]);
    const receipts = await world.database.db.select().from(webhookReceipts).where(eq(webhookReceipts.eventId, deliveries[0]!.eventId));
    expect(receipts).toEqual([expect.objectContaining({ topic: 'orders/create', storeIdentity: shop.domain, connectionId, processedAt: expect.any(Date) })]);
    expect(await rowCount(webhookReceipts)).toBe(receiptsBefore + 1);

    // The same delivery replayed by hand is recognised too.
    const replay = deliveries[0]!;
    const body = JSON.stringify(replay.body);
    const again = await call('POST', '/webhooks/shopify', undefined, { raw: body, headers: shopifyHeaders(body, { topic: 'orders/create', eventId: replay.eventId }) });
    expect(again).toMatchObject({ status: 200, body: { received: true, duplicate: true } });

    // OD-12: our own tag write made a newer version on the store; a hint about it (or anything older) needs no re-read.
    const stored = (await call('GET', `/v1/orders?connectionId=${connectionId}&orderNumber=${encodeURIComponent(hinted.name)}`)).body.orders[0];
    const row = await world.database.db.select().from(orders).where(eq(orders.id, stored.id));
    const tagged = (await world.admin.admin<Json>('GET', `/shops/${shop.domain}/orders/${hinted.id}`)).body;
    expect(tagged.tags).toContain('wms-synced');
    expect(row[0]!.channelUpdatedAt.getTime()).toBe(Date.parse(tagged.updated_at));
    const ownWrite = JSON.stringify({ id: hinted.id, admin_graphql_api_id: hinted.admin_graphql_api_id, updated_at: tagged.updated_at });
    const hint = await call('POST', '/webhooks/shopify', undefined, { raw: ownWrite, headers: shopifyHeaders(ownWrite) });
    expect(hint).toMatchObject({ status: 200, body: { duplicate: false, action: expect.stringMatching(/up to date/) } });
  });

  it('a bad, missing or foreign signature is a 401 that does not say which; a malformed body is a 400; nothing is written', async () => {
    const before = await rowCount(webhookReceipts);
    const body = orderPayload(seeded.paid);
    const post = (headers: Record<string, string>, raw = body) => call('POST', '/webhooks/shopify', undefined, { raw, headers: { authorization: '', ...headers } });
    const bad = await post(shopifyHeaders(body, { secret: 'not-the-secret' }));
    const foreign = await post(shopifyHeaders(body, { shop: 'unknown-shop.myshopify.com' }));
    expect(bad).toMatchObject({ status: 401, body: { error: { message: 'webhook signature could not be verified' } } });
    expect(foreign).toEqual(bad);
    const { 'x-shopify-hmac-sha256': _hmac, ...unsigned } = shopifyHeaders(body);
    expect((await post(unsigned)).status).toBe(401);
    const tampered = shopifyHeaders(body);
    expect((await post(tampered, body.replace('"id":', '"id": '))).status).toBe(401);
    const malformed = '{"hello":"world"}';
    expect(await post(shopifyHeaders(malformed), malformed)).toMatchObject({ status: 400, body: { error: { code: 'malformed_webhook' } } });
    expect(await rowCount(webhookReceipts)).toBe(before);
  });

  it('topics Storelink does not handle are acknowledged; compliance requests are logged without personal data', async () => {
    const product = '{"id":1,"title":"Mug"}';
    expect(await call('POST', '/webhooks/shopify', undefined, { raw: product, headers: shopifyHeaders(product, { topic: 'products/update' }) })).toMatchObject({
      status: 200,
      body: { duplicate: false, action: expect.stringMatching(/not handled/) },
    });
    const redact = JSON.stringify({ shop_domain: shop.domain, customer: { id: 5, email: 'ada@example.com' }, orders_to_redact: [seeded.paid.id] });
    const headers = shopifyHeaders(redact, { topic: 'customers/redact' });
    expect(await call('POST', '/webhooks/shopify', undefined, { raw: redact, headers })).toMatchObject({ status: 200, body: { duplicate: false } });
    expect(await call('POST', '/webhooks/shopify', undefined, { raw: redact, headers })).toMatchObject({ status: 200, body: { duplicate: true } });
    const logged = (await call('GET', `/v1/events?connectionId=${connectionId}&code=compliance_webhook_received`)).body.events;
    expect(logged).toHaveLength(1);
    expect(JSON.stringify(logged)).not.toContain('ada@example.com');
  });

  it('while Temporal is unreachable a delivery is a 503 and leaves no receipt, so Shopify\'s retry is taken', async () => {
    const unreachable = new Client({ connection: Connection.lazy({ address: '127.0.0.1:1', connectTimeout: '1s' }) });
    const degraded = await startTestApi({ db: world.database.db, temporal: unreachable, taskQueue: world.taskQueue, secrets: world.secrets });
    try {
      const before = await rowCount(webhookReceipts);
      const body = orderPayload(seeded.paid);
      const headers = shopifyHeaders(body);
      const down = await call('POST', '/webhooks/shopify', undefined, { raw: body, headers, to: degraded.url });
      expect(down).toMatchObject({ status: 503, body: { error: { code: 'temporal_unavailable' } } });
      expect(await rowCount(webhookReceipts)).toBe(before);
      expect(await call('POST', '/webhooks/shopify', undefined, { raw: body, headers })).toMatchObject({ status: 200, body: { duplicate: false } });
    } finally {
      await degraded.close();
    }
  });
});

describe('error queue and integration log (SPEC §8)', () => {
  it('E-3 lists import errors with what a retry does; a retry re-reads the order and counts the repeat', async () => {
    const entry = await eventually('the SKU error queued', async () => {
      const errors = (await call('GET', `/v1/errors?connectionId=${connectionId}&entityType=order&category=data`)).body.errors;
      return errors.find((e: Json) => e.entityId === seeded.noSku.admin_graphql_api_id);
    });
    expect(entry).toMatchObject({ severity: 'error', retry: expect.stringMatching(/re-reads order .* and imports it again/), advice: null, resolvedAt: null });

    const retried = await call('POST', `/v1/errors/${entry.id}/retry`);
    expect(retried).toMatchObject({ status: 202, body: { workflowId: workflowIds.orderRefresh(connectionId, seeded.noSku.admin_graphql_api_id) } });
    expect((await call('POST', `/v1/errors/${entry.id}/retry`)).status).toBe(202); // idempotent: at most one more read
    const repeated = await eventually('the re-read failed again and counted', async () => {
      const errors = (await call('GET', `/v1/errors?connectionId=${connectionId}&code=${entry.code}`)).body.errors;
      return errors.find((e: Json) => e.id === entry.id && e.occurrences > entry.occurrences);
    });
    expect(repeated.resolvedAt).toBeNull();
  });

  it('S-5/E-3 a shipment the store rejects is queued with a re-send; retries are idempotent and ops can re-send too', async () => {
    const order = await shopOrder({ lineItems: [{ sku: skus[5], quantity: 1 }] }); // imported by the webhook subscribed above
    const summary = await orderWithStatus(order.name, 'open');
    await eventually('released', async () => (await orderByNumber(order.name))?.releasedAt);
    const wmsShipmentId = `BAD-${order.id}`;
    const posted = await call('POST', `/v1/orders/${summary.id}/shipments`, { wmsShipmentId, trackingNumbers: ['1ZBAD'], shippedAt: new Date().toISOString(), lines: [{ sku: skus[0], quantity: 1 }] });
    expect(posted.status).toBe(202);
    const entry = await eventually('the rejection queued', async () => {
      const errors = (await call('GET', `/v1/errors?connectionId=${connectionId}&code=shipment_rejected`)).body.errors;
      return errors.find((e: Json) => e.details.wmsShipmentId === wmsShipmentId);
    });
    expect(entry).toMatchObject({ category: 'data', entityType: 'shipment', retry: `sends shipment ${wmsShipmentId} to the store again`, message: expect.stringMatching(/match no line of the order/) });

    const [first, second] = await Promise.all([call('POST', `/v1/errors/${entry.id}/retry`), call('POST', `/v1/errors/${entry.id}/retry`)]);
    expect([first.status, second.status]).toEqual([202, 202]);
    expect(first.body.workflowId).toBe(summary.workflowId);
    const counted = await eventually('the re-send rejected again', async () => {
      const errors = (await call('GET', `/v1/errors?connectionId=${connectionId}&code=shipment_rejected`)).body.errors;
      const again = errors.find((e: Json) => e.id === entry.id);
      const shipment = (await call('GET', `/v1/orders/${summary.id}`)).body.live?.shipments.find((s: Json) => s.wmsShipmentId === wmsShipmentId);
      return again?.occurrences > entry.occurrences && shipment?.status === 'rejected' ? again : null;
    });
    expect(counted.resolvedAt).toBeNull();
    const resent = await call('POST', `/v1/orders/${summary.id}/shipments/${wmsShipmentId}/resend`);
    expect(resent).toMatchObject({ status: 202, body: { wmsShipmentId, status: 'pending' } });
    const fulfillments = (await world.admin.admin<Json[]>('GET', `/shops/${shop.domain}/fulfillments`)).body;
    expect(fulfillments.filter((f) => f.order_id === order.id)).toEqual([]);
  });

  it('E-3 resolve is idempotent; a resolved entry has nothing to retry; codes without a retry say what to do', async () => {
    const [entry] = (await call('GET', `/v1/errors?connectionId=${connectionId}&code=sku_missing`)).body.errors;
    const first = await call('POST', `/v1/errors/${entry.id}/resolve`);
    expect(first.status).toBe(200);
    expect(first.body.resolvedAt).not.toBeNull();
    expect((await call('POST', `/v1/errors/${entry.id}/resolve`)).body.resolvedAt).toBe(first.body.resolvedAt);
    expect((await call('GET', `/v1/errors?connectionId=${connectionId}&resolved=true`)).body.errors.map((e: Json) => e.id)).toContain(entry.id);
    expect((await call('GET', `/v1/errors?connectionId=${connectionId}`)).body.errors.map((e: Json) => e.id)).not.toContain(entry.id);
    expect((await call('POST', `/v1/errors/${entry.id}/retry`)).status).toBe(409);

    await recordEvent(world.database.db, { connectionId, stream: null, entityType: 'connection', entityId: connectionId, severity: 'error', category: 'auth', code: 'credentials_rejected', message: 'test: token revoked' });
    const [auth] = (await call('GET', `/v1/errors?connectionId=${connectionId}&code=credentials_rejected`)).body.errors;
    expect(auth).toMatchObject({ retry: null, advice: expect.stringMatching(/rotate the connection's credentials/) });
    const refused = await call('POST', `/v1/errors/${auth.id}/retry`);
    expect(refused).toMatchObject({ status: 409, body: { error: { code: 'no_retry', message: expect.stringMatching(/^no automatic retry for credentials_rejected: rotate/) } } });
  });

  it('E-1/OD-3 the integration log lists skip reasons and pages newest first without repeats', async () => {
    const skipped = (await call('GET', `/v1/events?connectionId=${connectionId}&code=order_skipped`)).body.events;
    expect(skipped).toEqual([expect.objectContaining({ entityId: seeded.skipped.admin_graphql_api_id, severity: 'info', details: expect.objectContaining({ tag: 'fraud' }) })]);
    const all = (await call('GET', `/v1/events?connectionId=${connectionId}`)).body.events;
    const paged: number[] = [];
    let after: string | null = null;
    do {
      const page: Json = (await call('GET', `/v1/events?connectionId=${connectionId}&limit=3${after ? `&after=${after}` : ''}`)).body;
      paged.push(...page.events.map((e: Json) => e.id));
      after = page.nextAfter;
    } while (after);
    expect(paged).toEqual(all.map((e: Json) => e.id));
    expect(all.length).toBeGreaterThan(3);
  });
});

describe('CLI and docs', () => {
  it('storelink orders/errors/events print readable tables', async () => {
    process.env.STORELINK_API_URL = api.url;
    process.env.STORELINK_API_TOKEN = apiToken;
    process.env.STORELINK_ENCRYPTION_KEY ??= Buffer.alloc(32, 5).toString('base64'); // required beside DATABASE_URL (CI)
    const out: string[] = [];
    const log = jest.spyOn(console, 'log').mockImplementation((line: string) => void out.push(line));
    const paid = await orderByNumber(seeded.paid.name);
    try {
      await runCli(['node', 'storelink', 'orders', 'list', '--connection', connectionId]);
      await runCli(['node', 'storelink', 'orders', 'show', paid!.id]);
      await runCli(['node', 'storelink', 'events', 'list', '--connection', connectionId, '--code', 'order_skipped']);
      await runCli(['node', 'storelink', 'errors', 'list', '--connection', connectionId, '--resolved']);
    } finally {
      log.mockRestore();
    }
    expect(process.exitCode ?? 0).toBe(0);
    const text = out.join('\n');
    expect(text).toContain(`${paid!.id}  ${seeded.paid.name}`);
    expect(text).toMatch(/status +shipped/);
    expect(text).toMatch(/web ui +http:\/\/ui\.test:8233\/namespaces\/default\/workflows\//);
    expect(text).toMatch(/info +order_skipped/);
    expect(text).toMatch(/resolved/);
  });

  it('/docs/json lists the order, error and webhook routes', async () => {
    const docs = await call('GET', '/docs/json');
    expect(Object.keys(docs.body.paths)).toEqual(expect.arrayContaining(['/v1/orders', '/v1/orders/{id}', '/v1/orders/reimport', '/v1/errors', '/v1/events', '/webhooks/shopify']));
  });
});
