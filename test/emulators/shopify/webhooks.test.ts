// Webhook deliveries as Shopify makes them: REST-style order JSON signed with the app secret
// (X-Shopify-Hmac-Sha256 over the raw body), the full header set, retries on failure, and
// duplicates / reordering on demand. The HMAC is verified here with node:crypto.
import { createHmac, timingSafeEqual } from 'node:crypto';
import { createServer, type IncomingHttpHeaders, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { EmulatorClient } from '../../../emulators/shopify/client';
import { seedCatalog } from '../../../emulators/shopify/seed';
import { startShopifyEmulator, type ShopifyEmulator } from '../../../emulators/shopify/server';

const SHOP = 'hooks.myshopify.com';
const SECRET = 'hush-app-secret';
let emulator: ShopifyEmulator;
let client: EmulatorClient;
let receiver: Server;
let receiverUrl: string;
let received: { headers: IncomingHttpHeaders; raw: string }[] = [];
let failuresToSend = 0;

function verify(raw: string, header: string | string[] | undefined): boolean {
  if (typeof header !== 'string') return false;
  const expected = createHmac('sha256', SECRET).update(raw, 'utf8').digest();
  const given = Buffer.from(header, 'base64');
  return given.length === expected.length && timingSafeEqual(given, expected);
}

async function createOrder(email: string): Promise<number> {
  const variant = [...emulator.store.requireShop(SHOP).variants.values()][0];
  const res = await client.admin<{ id: number }>('POST', `/shops/${SHOP}/orders`, { email, lineItems: [{ variantId: variant?.id, quantity: 1 }] });
  expect(res.status).toBe(201);
  return res.body.id;
}

beforeAll(async () => {
  receiver = createServer((req, res) => {
    let raw = '';
    req.setEncoding('utf8');
    req.on('data', (chunk: string) => (raw += chunk));
    req.on('end', () => {
      if (failuresToSend > 0) {
        failuresToSend--;
        res.statusCode = 500;
        res.end('boom');
        return;
      }
      received.push({ headers: req.headers, raw });
      res.statusCode = 200;
      res.end('ok');
    });
  });
  await new Promise<void>((resolve) => receiver.listen(0, '127.0.0.1', resolve));
  receiverUrl = `http://127.0.0.1:${(receiver.address() as AddressInfo).port}/webhooks`;

  emulator = await startShopifyEmulator({
    webhooks: { retryBaseMs: 20, maxAttempts: 4 },
    shops: [{ domain: SHOP, appSecret: SECRET, tokens: [{ token: 't', scopes: ['read_orders'] }] }],
  });
  client = new EmulatorClient(emulator.url);
  seedCatalog(emulator.store, emulator.store.requireShop(SHOP), { products: 2 });
  for (const topic of ['orders/create', 'orders/cancelled', 'customers/redact']) {
    const res = await client.admin('POST', `/shops/${SHOP}/webhooks`, { topic, address: receiverUrl });
    expect(res.status).toBe(201);
  }
});

afterAll(async () => {
  await emulator.close();
  await new Promise<void>((resolve) => receiver.close(() => resolve()));
});

beforeEach(async () => {
  received = [];
  failuresToSend = 0;
  await client.admin('PUT', `/shops/${SHOP}/webhooks/faults`, { duplicates: 0, reorderWindow: 0, delayMs: 0 });
});

describe('webhook delivery', () => {
  it('posts the REST-style order with a correct HMAC and every Shopify header', async () => {
    const id = await createOrder('first@example.com');
    await emulator.webhooks.idle();
    expect(received).toHaveLength(1);
    const [hit] = received;
    expect(verify(hit?.raw ?? '', hit?.headers['x-shopify-hmac-sha256'])).toBe(true);
    expect(hit?.headers).toMatchObject({
      'x-shopify-topic': 'orders/create',
      'x-shopify-shop-domain': SHOP,
      'x-shopify-api-version': '2026-07',
      'content-type': 'application/json',
    });
    for (const h of ['x-shopify-webhook-id', 'x-shopify-event-id', 'x-shopify-triggered-at']) expect(hit?.headers[h]).toEqual(expect.any(String));
    const body = JSON.parse(hit?.raw ?? '{}') as Record<string, unknown>;
    expect(body).toMatchObject({ id, admin_graphql_api_id: `gid://shopify/Order/${id}`, email: 'first@example.com', financial_status: 'paid' });
    expect(typeof body['updated_at']).toBe('string');
    // A tampered body no longer verifies.
    expect(verify(`${hit?.raw ?? ''} `, hit?.headers['x-shopify-hmac-sha256'])).toBe(false);
  });

  it('duplicates deliveries on demand, with the same webhook and event ids', async () => {
    await client.admin('PUT', `/shops/${SHOP}/webhooks/faults`, { duplicates: 1 });
    await createOrder('dup@example.com');
    await emulator.webhooks.idle();
    expect(received).toHaveLength(2);
    expect(received[0]?.raw).toBe(received[1]?.raw);
    expect(received[0]?.headers['x-shopify-webhook-id']).toBe(received[1]?.headers['x-shopify-webhook-id']);
    expect(received[0]?.headers['x-shopify-event-id']).toBe(received[1]?.headers['x-shopify-event-id']);
  });

  it('retries with backoff when the receiver fails', async () => {
    failuresToSend = 2;
    await createOrder('retry@example.com');
    await emulator.webhooks.idle();
    expect(received).toHaveLength(1);
    const deliveries = await client.admin<{ attempts: { status: number }[]; state: string }[]>('GET', `/shops/${SHOP}/webhooks/deliveries`);
    const last = deliveries.body[deliveries.body.length - 1];
    expect(last?.state).toBe('delivered');
    expect(last?.attempts.map((a) => a.status)).toEqual([500, 500, 200]);
  });

  it('reorders deliveries on demand', async () => {
    await client.admin('PUT', `/shops/${SHOP}/webhooks/faults`, { reorderWindow: 4 });
    const ids: number[] = [];
    for (let i = 0; i < 4; i++) ids.push(await createOrder(`r${i}@example.com`));
    await emulator.webhooks.idle();
    const got = received.map((r) => (JSON.parse(r.raw) as { id: number }).id);
    expect([...got].sort((a, b) => a - b)).toEqual(ids);
    expect(got).not.toEqual(ids);
  });

  it('sends orders/cancelled and compliance topics', async () => {
    const id = await createOrder('gone@example.com');
    await client.admin('POST', `/shops/${SHOP}/orders/${id}/cancel`, { reason: 'CUSTOMER' });
    const compliance = await client.admin('POST', `/shops/${SHOP}/webhooks/compliance`, { topic: 'customers/redact', orderIds: [id] });
    expect(compliance.status).toBe(202);
    await emulator.webhooks.idle();
    const topics = received.map((r) => r.headers['x-shopify-topic']);
    expect(topics).toEqual(expect.arrayContaining(['orders/create', 'orders/cancelled', 'customers/redact']));
    const redact = received.find((r) => r.headers['x-shopify-topic'] === 'customers/redact');
    expect(JSON.parse(redact?.raw ?? '{}')).toMatchObject({ shop_domain: SHOP, orders_to_redact: [id] });
    expect(received.every((r) => verify(r.raw, r.headers['x-shopify-hmac-sha256']))).toBe(true);
  });
});
