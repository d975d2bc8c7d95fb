// Shopify webhooks are hints (OD-2): verify the HMAC over the raw body, then hand back what to
// re-read — the order id — plus the ids used to dedupe deliveries. The payload itself is never
// trusted as order data; the poll and the re-read are the truth.
import { createHmac, timingSafeEqual } from 'node:crypto';
import { z } from 'zod';
import { describeIssues } from '../issues';

export const ORDER_WEBHOOK_TOPICS = ['orders/create', 'orders/updated', 'orders/cancelled'] as const;
export type OrderWebhookTopic = (typeof ORDER_WEBHOOK_TOPICS)[number];

/** Header lookup that works for Node's IncomingHttpHeaders (lower-case keys) and plain objects. */
export type WebhookHeaders = Record<string, string | string[] | undefined>;

export type ShopifyWebhookResult =
  | {
      ok: true;
      topic: OrderWebhookTopic;
      shop: string;
      /** Same for every retry of one delivery. */
      webhookId: string;
      /** Same for every delivery of one event (dedupe key, OD-2). */
      eventId: string | null;
      triggeredAt: string | null;
      /** The order to re-read from Shopify (gid). */
      channelOrderId: string;
      /** The order's updated_at in the payload, for ordering/dedupe only. */
      updatedAt: string;
    }
  | { ok: false; reason: 'missing_hmac' | 'bad_hmac' | 'unsupported_topic' | 'malformed'; message: string };

function header(headers: WebhookHeaders, name: string): string | undefined {
  const value = headers[name.toLowerCase()] ?? Object.entries(headers).find(([k]) => k.toLowerCase() === name.toLowerCase())?.[1];
  return Array.isArray(value) ? value[0] : value;
}

/** HMAC-SHA256 of the raw body with the app secret, base64, compared in constant time. */
export function hmacMatches(rawBody: Buffer | string, hmacHeader: string, appSecret: string): boolean {
  const expected = createHmac('sha256', appSecret).update(rawBody).digest();
  const given = Buffer.from(hmacHeader, 'base64');
  // Length differs → cannot match; timingSafeEqual needs equal lengths (and the length is public).
  return given.length === expected.length && timingSafeEqual(given, expected);
}

const orderPayload = z.object({
  id: z.number().int().positive(),
  admin_graphql_api_id: z.string().regex(/^gid:\/\/shopify\/Order\/\d+$/),
  updated_at: z.string().min(1),
});

/**
 * Verifies and parses one order webhook. `rawBody` must be the bytes as received (before any
 * JSON parsing), or the HMAC cannot match.
 */
export function verifyShopifyWebhook(rawBody: Buffer | string, headers: WebhookHeaders, appSecret: string): ShopifyWebhookResult {
  const hmac = header(headers, 'x-shopify-hmac-sha256');
  if (!hmac) return { ok: false, reason: 'missing_hmac', message: 'X-Shopify-Hmac-Sha256 header is missing' };
  if (!hmacMatches(rawBody, hmac, appSecret)) return { ok: false, reason: 'bad_hmac', message: 'HMAC does not match the body' };

  const topic = header(headers, 'x-shopify-topic');
  if (!topic || !(ORDER_WEBHOOK_TOPICS as readonly string[]).includes(topic)) {
    return { ok: false, reason: 'unsupported_topic', message: `topic ${topic ?? '(none)'} is not an order topic` };
  }
  const shop = header(headers, 'x-shopify-shop-domain');
  const webhookId = header(headers, 'x-shopify-webhook-id');
  if (!shop || !webhookId) return { ok: false, reason: 'malformed', message: 'X-Shopify-Shop-Domain or X-Shopify-Webhook-Id is missing' };

  let json: unknown;
  try {
    json = JSON.parse(Buffer.isBuffer(rawBody) ? rawBody.toString('utf8') : rawBody);
  } catch {
    return { ok: false, reason: 'malformed', message: 'body is not JSON' };
  }
  const payload = orderPayload.safeParse(json);
  if (!payload.success) {
    return { ok: false, reason: 'malformed', message: describeIssues(payload.error) };
  }
  return {
    ok: true,
    topic: topic as OrderWebhookTopic,
    shop: shop.toLowerCase(),
    webhookId,
    eventId: header(headers, 'x-shopify-event-id') ?? null,
    triggeredAt: header(headers, 'x-shopify-triggered-at') ?? null,
    channelOrderId: payload.data.admin_graphql_api_id,
    updatedAt: payload.data.updated_at,
  };
}
