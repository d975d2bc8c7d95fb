// The WMS simulator as the demo and the order tests use it: it takes Storelink's signed outbound
// webhooks (O-1) through the production verifier, dedupes them, and plays the warehouse by posting
// progress and shipments (O-2, O-3) to a fake Storelink that records what it gets.
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { WmsSimulatorClient } from '../../../emulators/wms/client';
import { startWmsSimulator, type WmsSimulator } from '../../../emulators/wms/server';
import {
  deliverWmsWebhook,
  signWmsWebhook,
  WmsDeliveryRetryableError,
  type WmsOrder,
  type WmsWebhookBody,
  type WmsWebhookEvent,
} from '../../../src/wms/outbound-webhook';
import { wmsOrder } from '../../wms/fixtures';

const SECRET = 'test-only-wms-secret';
const API_TOKEN = 'slk_fake_0000_not-a-real-token';

interface StorelinkRequest {
  method: string;
  url: string;
  authorization: string | undefined;
  body: unknown;
}

let simulator: WmsSimulator;
let client: WmsSimulatorClient;
let storelink: Server;
let requests: StorelinkRequest[] = [];
/** Statuses the fake Storelink answers with, one per request; 200 when empty. */
let statuses: number[] = [];

beforeAll(async () => {
  // The simulator first, Storelink later: the order the e2e tests start them in.
  simulator = await startWmsSimulator({ secret: SECRET, progressDelayMs: 0, shipDelayMs: 0 });
  client = new WmsSimulatorClient(simulator.url);
  storelink = createServer((req, res) => {
    let raw = '';
    req.setEncoding('utf8');
    req.on('data', (chunk: string) => (raw += chunk));
    req.on('end', () => {
      requests.push({ method: req.method ?? '', url: req.url ?? '', authorization: req.headers.authorization, body: JSON.parse(raw) as unknown });
      const status = statuses.shift() ?? 200;
      res.writeHead(status, { 'content-type': 'application/json' }).end(JSON.stringify(status < 300 ? { ok: true } : { error: `answered ${status}` }));
    });
  });
  await new Promise<void>((resolve) => storelink.listen(0, '127.0.0.1', resolve));
  simulator.setStorelink(`http://127.0.0.1:${(storelink.address() as AddressInfo).port}`, API_TOKEN);
});

afterAll(async () => {
  await simulator.close();
  await new Promise((resolve) => storelink.close(resolve));
});

beforeEach(async () => {
  await client.reset();
  requests = [];
  statuses = [];
});

function deliver(event: WmsWebhookEvent, order: WmsOrder = wmsOrder()): Promise<{ status: number }> {
  return deliverWmsWebhook({
    url: simulator.webhookUrl,
    secret: SECRET,
    event,
    idempotencyKey: `order:${order.id}:${event.slice('order.'.length)}`,
    body: { occurredAt: new Date().toISOString(), order },
    timeoutMs: 5_000,
  });
}

/** A hand-signed request, to see the simulator's answers to repeats and forgeries. */
async function postSigned(body: WmsWebhookBody, secret: string): Promise<{ status: number; body: unknown }> {
  const raw = JSON.stringify(body);
  const timestamp = Math.floor(Date.now() / 1000);
  const res = await fetch(simulator.webhookUrl, {
    method: 'POST',
    headers: {
      'content-type': 'application/json',
      'x-storelink-event': body.event,
      'x-storelink-idempotency-key': body.idempotencyKey,
      'x-storelink-timestamp': String(timestamp),
      'x-storelink-signature': signWmsWebhook(secret, timestamp, raw),
    },
    body: raw,
  });
  return { status: res.status, body: await res.json() };
}

describe('WMS simulator', () => {
  it('O-1 O-2 O-3 a signed release is stored, then `started` and a full shipment are posted with the bearer token', async () => {
    const order = wmsOrder();
    await expect(deliver('order.released')).resolves.toEqual({ status: 200 });
    const record = await client.waitForOrder(order.id, (o) => o.autoShip.state === 'done', 'shipped');

    expect(record).toMatchObject({ order, receivedCount: 1, duplicateCount: 0, cancelled: false });
    expect(requests.map((r) => [r.method, r.url, r.authorization])).toEqual([
      ['POST', `/v1/orders/${order.id}/events`, `Bearer ${API_TOKEN}`],
      ['POST', `/v1/orders/${order.id}/shipments`, `Bearer ${API_TOKEN}`],
    ]);
    expect(requests[0]?.body).toEqual({ type: 'started' });
    const shipment = requests[1]?.body as { trackingNumbers: string[]; trackingUrl: string; shippedAt: string };
    expect(shipment).toEqual({
      wmsShipmentId: 'SHP-1001-1',
      carrier: 'UPS',
      service: 'Ground',
      trackingNumbers: [expect.stringMatching(/^1Z[0-9A-F]{16}$/)],
      trackingUrl: `https://www.ups.com/track?tracknum=${shipment.trackingNumbers[0]}`,
      shippedAt: expect.any(String),
      lines: [
        { sku: 'MUG-BLUE', quantity: 2 },
        { sku: 'TEE-M', quantity: 1 },
      ],
    });
    expect(Number.isNaN(Date.parse(shipment.shippedAt))).toBe(false);
    expect(record.posts.map((p) => [p.kind, p.outcome, p.response])).toEqual([
      ['event', 'ok', { ok: true }],
      ['shipment', 'ok', { ok: true }],
    ]);
  });

  it('O-1 a repeated delivery answers 200 {duplicate: true} and changes nothing', async () => {
    await client.setConfig({ autoShip: false });
    const order = wmsOrder();
    const body: WmsWebhookBody = { event: 'order.released', idempotencyKey: `order:${order.id}:released`, occurredAt: new Date().toISOString(), order };
    expect(await postSigned(body, SECRET)).toEqual({ status: 200, body: { duplicate: false } });
    const changed = { ...body, order: { ...order, customerName: 'Someone Else' } };
    expect(await postSigned(changed, SECRET)).toEqual({ status: 200, body: { duplicate: true } });

    const [record] = await client.orders();
    expect(record).toMatchObject({ order, receivedCount: 1, duplicateCount: 1 });
    expect(record?.events).toHaveLength(1);
    expect((await client.deliveries()).map((d) => [d.outcome, d.orderId])).toEqual([
      ['accepted', order.id],
      ['duplicate', order.id],
    ]);
  });

  it('O-1 a bad signature answers 401 with a JSON error and stores nothing', async () => {
    const order = wmsOrder();
    const body: WmsWebhookBody = { event: 'order.released', idempotencyKey: `order:${order.id}:released`, occurredAt: new Date().toISOString(), order };
    const res = await postSigned(body, 'not-the-shared-secret');
    expect(res).toEqual({ status: 401, body: { error: 'signature_mismatch', message: expect.any(String) } });
    const unsigned = await fetch(simulator.webhookUrl, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(body) });
    expect(unsigned.status).toBe(401);
    expect(await unsigned.json()).toMatchObject({ error: 'missing_header' });

    expect(await client.orders()).toEqual([]);
    expect((await client.deliveries()).map((d) => [d.status, d.outcome, d.reason, d.event])).toEqual([
      [401, 'rejected', 'signature_mismatch', 'order.released'],
      [401, 'rejected', 'missing_header', null],
    ]);
  });

  it('O-5 an order cancelled before the warehouse started is never shipped', async () => {
    await client.setConfig({ progressDelayMs: 60_000 });
    const order = wmsOrder();
    await deliver('order.released', order);
    await client.waitForOrder(order.id, (o) => o.autoShip.state === 'pending', 'waiting to ship');
    await deliver('order.cancelled', { ...order, status: 'cancelled' });

    const record = await client.waitForOrder(order.id, (o) => o.autoShip.state === 'stopped', 'stopped');
    expect(record).toMatchObject({ cancelled: true, receivedCount: 2, autoShip: { state: 'stopped', reason: 'order cancelled' }, posts: [] });
    expect(record.events.map((e) => e.event)).toEqual(['order.released', 'order.cancelled']);
    expect(requests).toEqual([]);
  });

  it('O-1 failNextWebhooks answers 503 (retryable) and the retry is accepted as the first delivery', async () => {
    await client.setConfig({ autoShip: false, failNextWebhooks: 1 });
    const order = wmsOrder();
    const failed = await deliver('order.released', order).catch((error: unknown) => error);
    expect(failed).toBeInstanceOf(WmsDeliveryRetryableError);
    expect(failed).toMatchObject({ status: 503 });
    await expect(deliver('order.released', order)).resolves.toEqual({ status: 200 });

    expect((await client.deliveries()).map((d) => [d.status, d.outcome])).toEqual([
      [503, 'injected_failure'],
      [200, 'accepted'],
    ]);
    expect(await client.orders()).toMatchObject([{ receivedCount: 1, duplicateCount: 0 }]);
    expect((await client.health()).config.failNextWebhooks).toBe(0);
  });

  it('O-3 S-4 ships partially through the admin API, each package with its own id and tracking', async () => {
    await client.setConfig({ autoShip: false });
    const order = wmsOrder();
    await deliver('order.released', order);

    const first = await client.ship(order.id, { lines: [{ sku: 'MUG-BLUE', quantity: 1 }] });
    expect(first).toMatchObject({ kind: 'shipment', outcome: 'ok', body: { wmsShipmentId: 'SHP-1001-1', lines: [{ sku: 'MUG-BLUE', quantity: 1 }] } });
    const second = await client.ship(order.id, { wmsShipmentId: 'PKG-2', trackingNumbers: ['1ZFAKE0000000002'] });
    expect(second.body).toMatchObject({
      wmsShipmentId: 'PKG-2',
      trackingNumbers: ['1ZFAKE0000000002'],
      trackingUrl: 'https://www.ups.com/track?tracknum=1ZFAKE0000000002',
      lines: [
        { sku: 'MUG-BLUE', quantity: 2 },
        { sku: 'TEE-M', quantity: 1 },
      ],
    });
    const tracking = requests.map((r) => (r.body as { trackingNumbers: string[] }).trackingNumbers[0]);
    expect(new Set(tracking).size).toBe(2);
    expect(requests.map((r) => r.url)).toEqual([`/v1/orders/${order.id}/shipments`, `/v1/orders/${order.id}/shipments`]);
  });

  it('O-3 retries a post Storelink answered 5xx with the same body, and records a 4xx without retrying', async () => {
    await client.setConfig({ autoShip: false });
    const order = wmsOrder();
    await deliver('order.released', order);

    statuses = [503, 500, 201];
    const retried = await client.ship(order.id);
    expect(retried.outcome).toBe('ok');
    expect(retried.attempts.map((a) => a.status)).toEqual([503, 500, 201]);
    expect(new Set(requests.map((r) => JSON.stringify(r.body))).size).toBe(1);

    statuses = [422];
    const refused = await client.ship(order.id, { lines: [{ sku: 'NOT-ON-ORDER', quantity: 1 }] });
    expect(refused).toMatchObject({ outcome: 'rejected', response: { error: 'answered 422' } });
    expect(refused.attempts).toHaveLength(1);
    expect(requests).toHaveLength(4);
  });

  it('O-2 stops auto-shipping an order whose `started` event Storelink refused', async () => {
    statuses = [409];
    const order = wmsOrder();
    await deliver('order.released', order);
    const record = await client.waitForOrder(order.id, (o) => o.autoShip.state === 'stopped', 'stopped');
    expect(record.autoShip.reason).toBe('started event rejected');
    expect(record.posts.map((p) => [p.kind, p.outcome])).toEqual([['event', 'rejected']]);
    expect(requests).toHaveLength(1);
  });

  it('answers 404 for an unknown order and 400 for bad admin input', async () => {
    expect((await client.admin('POST', '/orders/no-such-order/ship', {})).status).toBe(404);
    expect((await client.admin('PUT', '/config', { shipDelayMs: -1 })).status).toBe(400);
    expect((await client.admin('PUT', '/config', { sendEverything: true })).status).toBe(400);
  });
});
