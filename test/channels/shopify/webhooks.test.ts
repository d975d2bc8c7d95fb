// OD-2 webhook verification: HMAC-SHA256 of the raw body with the app secret, base64, compared
// in constant time; a verified order webhook yields the order id to re-read.
import { createServer, type IncomingHttpHeaders, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { createHmac } from 'node:crypto';
import { verifyShopifyWebhook } from '../../../src/channels/shopify/webhooks';
import { seedCatalog } from '../../../emulators/shopify/seed';
import { SECRET, startHarness, type Harness } from './harness';

const body = JSON.stringify({ id: 4242, admin_graphql_api_id: 'gid://shopify/Order/4242', updated_at: '2026-11-25T10:00:00+00:00', email: 'a@example.com' });
const sign = (raw: string | Buffer, secret = SECRET): string => createHmac('sha256', secret).update(raw).digest('base64');
const headers = (hmac?: string): Record<string, string> => ({
  ...(hmac === undefined ? {} : { 'x-shopify-hmac-sha256': hmac }),
  'x-shopify-topic': 'orders/updated',
  'x-shopify-shop-domain': 'hooks.myshopify.com',
  'x-shopify-webhook-id': 'wh-1',
  'x-shopify-event-id': 'ev-1',
  'x-shopify-triggered-at': '2026-11-25T10:00:00.000Z',
});

describe('Shopify webhook verification', () => {
  it('OD-2 accepts a good HMAC and returns the order to re-read', () => {
    expect(verifyShopifyWebhook(Buffer.from(body), headers(sign(body)), SECRET)).toEqual({
      ok: true,
      topic: 'orders/updated',
      shop: 'hooks.myshopify.com',
      webhookId: 'wh-1',
      eventId: 'ev-1',
      triggeredAt: '2026-11-25T10:00:00.000Z',
      channelOrderId: 'gid://shopify/Order/4242',
      updatedAt: '2026-11-25T10:00:00+00:00',
    });
  });

  it('OD-2 rejects a wrong HMAC (signed with another secret)', () => {
    expect(verifyShopifyWebhook(body, headers(sign(body, 'other-secret')), SECRET)).toMatchObject({ ok: false, reason: 'bad_hmac' });
  });

  it('OD-2 rejects a missing HMAC header', () => {
    expect(verifyShopifyWebhook(body, headers(), SECRET)).toMatchObject({ ok: false, reason: 'missing_hmac' });
  });

  it('OD-2 rejects a body changed by one byte', () => {
    const hmac = sign(body);
    const tampered = Buffer.from(body);
    tampered[tampered.indexOf('4')] = '5'.charCodeAt(0);
    expect(tampered.length).toBe(Buffer.byteLength(body));
    expect(verifyShopifyWebhook(tampered, headers(hmac), SECRET)).toMatchObject({ ok: false, reason: 'bad_hmac' });
  });

  it('rejects a truncated or non-base64 HMAC without throwing', () => {
    expect(verifyShopifyWebhook(body, headers(sign(body).slice(0, 20)), SECRET)).toMatchObject({ ok: false, reason: 'bad_hmac' });
    expect(verifyShopifyWebhook(body, headers('%%%not base64%%%'), SECRET)).toMatchObject({ ok: false, reason: 'bad_hmac' });
  });

  it('rejects topics other than orders/create|updated|cancelled, and malformed payloads', () => {
    const h = { ...headers(sign(body)), 'x-shopify-topic': 'products/update' };
    expect(verifyShopifyWebhook(body, h, SECRET)).toMatchObject({ ok: false, reason: 'unsupported_topic' });
    const bad = JSON.stringify({ id: 'x' });
    expect(verifyShopifyWebhook(bad, headers(sign(bad)), SECRET)).toMatchObject({ ok: false, reason: 'malformed' });
  });
});

describe('webhooks from the emulator', () => {
  let h: Harness;
  let receiver: Server;
  const received: { headers: IncomingHttpHeaders; raw: Buffer }[] = [];

  beforeAll(async () => {
    receiver = createServer((req, res) => {
      const chunks: Buffer[] = [];
      req.on('data', (c: Buffer) => chunks.push(c));
      req.on('end', () => {
        received.push({ headers: req.headers, raw: Buffer.concat(chunks) });
        res.end('ok');
      });
    });
    await new Promise<void>((resolve) => receiver.listen(0, '127.0.0.1', resolve));
    h = await startHarness('hooks.myshopify.com');
    seedCatalog(h.emulator.store, h.shop, { products: 2 });
    const address = `http://127.0.0.1:${(receiver.address() as AddressInfo).port}/webhooks/shopify`;
    await h.admin.admin('POST', `/shops/${h.domain}/webhooks`, { topic: 'orders/create', address });
  });

  afterAll(async () => {
    await h.close();
    await new Promise((resolve) => receiver.close(resolve));
  });

  it('OD-2 a real orders/create delivery verifies, and its order id re-reads through the adapter', async () => {
    const variant = [...h.shop.variants.values()][0];
    const created = await h.admin.admin<{ id: number }>('POST', `/shops/${h.domain}/orders`, { lineItems: [{ variantId: variant?.id, quantity: 1 }] });
    await h.emulator.webhooks.idle();
    const delivery = received.at(-1);
    if (!delivery) throw new Error('no delivery');
    const verified = verifyShopifyWebhook(delivery.raw, delivery.headers, SECRET);
    expect(verified).toMatchObject({ ok: true, topic: 'orders/create', channelOrderId: `gid://shopify/Order/${created.body.id}` });
    if (!verified.ok) return;
    const order = await h.adapter().fetchOrder(verified.channelOrderId);
    expect(order?.channelOrderId).toBe(verified.channelOrderId);
  });
});
