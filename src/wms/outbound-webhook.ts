// The outbound webhook that tells the WMS about orders (O-1), both sides of the contract:
// the body schema, signing and verification, and one delivery attempt classified for retries.
// Delivery is at-least-once: the caller (an activity) retries, and the idempotency key lets the
// WMS recognise a repeat. The contract for integrators is written down in docs/wms-integration.md.
import { createHmac, timingSafeEqual } from 'node:crypto';
import { z } from 'zod';
import { CHANNELS } from '../domain/capabilities';
import { ORDER_STATUSES } from '../domain/order-status';

export const WMS_WEBHOOK_EVENTS = ['order.released', 'order.updated', 'order.cancelled'] as const;
export type WmsWebhookEvent = (typeof WMS_WEBHOOK_EVENTS)[number];

/** Header names, lower case as Node presents them. */
export const WMS_WEBHOOK_HEADERS = {
  event: 'x-storelink-event',
  idempotencyKey: 'x-storelink-idempotency-key',
  timestamp: 'x-storelink-timestamp',
  signature: 'x-storelink-signature',
} as const;

/** Receivers reject signatures older (or further in the future) than this, so a captured request cannot be replayed later. */
export const DEFAULT_WMS_WEBHOOK_TOLERANCE_SECONDS = 5 * 60;

// ---- body

// Objects are not strict: a receiver built against this version ignores fields added later.
export const wmsAddressSchema = z.object({
  name: z.string().nullable(),
  company: z.string().nullable(),
  address1: z.string().nullable(),
  address2: z.string().nullable(),
  city: z.string().nullable(),
  provinceCode: z.string().nullable(),
  countryCode: z.string().nullable(),
  zip: z.string().nullable(),
  phone: z.string().nullable(),
});

const wmsOrderLineSchema = z.object({
  /** Storelink's order line id. */
  id: z.string().min(1),
  sku: z.string().min(1),
  title: z.string(),
  /** Units the warehouse has to ship. */
  quantity: z.number().int().positive(),
});

export const wmsOrderSchema = z.object({
  /** Storelink's order id: the `{id}` of the API's /v1/orders/{id}/… routes. */
  id: z.string().min(1),
  connectionId: z.string().min(1),
  channel: z.enum(CHANNELS),
  channelOrderId: z.string().min(1),
  /** What people call the order (`#1001`). */
  orderNumber: z.string().min(1),
  status: z.enum(ORDER_STATUSES),
  holdReason: z.string().nullable(),
  customerName: z.string().nullable(),
  email: z.string().nullable(),
  phone: z.string().nullable(),
  shippingAddress: wmsAddressSchema.nullable(),
  lines: z.array(wmsOrderLineSchema),
});

export const wmsWebhookBodySchema = z.object({
  event: z.enum(WMS_WEBHOOK_EVENTS),
  idempotencyKey: z.string().min(1),
  /** ISO-8601: when the change happened in Storelink (not when this attempt was sent). */
  occurredAt: z.iso.datetime({ offset: true }),
  order: wmsOrderSchema,
});

export type WmsAddress = z.infer<typeof wmsAddressSchema>;
export type WmsOrderLine = z.infer<typeof wmsOrderLineSchema>;
export type WmsOrder = z.infer<typeof wmsOrderSchema>;
export type WmsWebhookBody = z.infer<typeof wmsWebhookBodySchema>;

// ---- signing and verification

/** `sha256=<hex HMAC-SHA256(secret, "<timestamp>.<rawBody>")>`: the timestamp is signed too, so it cannot be swapped. */
export function signWmsWebhook(secret: string, timestamp: number, rawBody: string | Buffer): string {
  return `sha256=${createHmac('sha256', secret).update(`${timestamp}.`).update(rawBody).digest('hex')}`;
}

export type WmsWebhookRejectionReason =
  | 'missing_header'
  | 'malformed_header'
  | 'signature_mismatch'
  | 'timestamp_out_of_tolerance'
  | 'invalid_body'
  | 'header_mismatch';

export type WmsWebhookVerification =
  | { ok: true; event: WmsWebhookEvent; idempotencyKey: string; body: WmsWebhookBody }
  | { ok: false; reason: WmsWebhookRejectionReason; message: string };

export interface VerifyWmsWebhookInput {
  secret: string;
  /** The body bytes exactly as received: re-serialised JSON does not verify. */
  rawBody: string | Buffer;
  /** Request headers with lower-case names (Node's `req.headers`). */
  headers: Readonly<Record<string, string | readonly string[] | undefined>>;
  nowSeconds?: number;
  toleranceSeconds?: number;
}

const SIGNATURE_FORMAT = /^sha256=([0-9a-f]{64})$/;

function reject(reason: WmsWebhookRejectionReason, message: string): WmsWebhookVerification {
  return { ok: false, reason, message };
}

/**
 * Checks, in order: the headers are there, the signature is ours (constant-time), the timestamp
 * is fresh, the body matches the schema and agrees with the event and key headers. Authenticity
 * comes before freshness so a forged request is always reported as `signature_mismatch`.
 */
export function verifyWmsWebhook(input: VerifyWmsWebhookInput): WmsWebhookVerification {
  const header = (name: string): string | undefined => {
    const value = input.headers[name];
    return typeof value === 'string' ? value : undefined;
  };
  const missing = Object.values(WMS_WEBHOOK_HEADERS).filter((name) => header(name) === undefined);
  if (missing.length > 0) return reject('missing_header', `missing header(s): ${missing.join(', ')}`);
  const timestampText = header(WMS_WEBHOOK_HEADERS.timestamp) ?? '';
  const signatureText = header(WMS_WEBHOOK_HEADERS.signature) ?? '';

  // No leading zeros: the number must print back as the exact text that was signed.
  if (!/^[1-9]\d{0,11}$/.test(timestampText)) return reject('malformed_header', `${WMS_WEBHOOK_HEADERS.timestamp} must be unix seconds, got "${timestampText.slice(0, 40)}"`);
  const signatureHex = SIGNATURE_FORMAT.exec(signatureText)?.[1];
  if (signatureHex === undefined) return reject('malformed_header', `${WMS_WEBHOOK_HEADERS.signature} must be sha256=<64 lower-case hex digits>`);

  const timestamp = Number(timestampText);
  const expected = Buffer.from(signWmsWebhook(input.secret, timestamp, input.rawBody).slice('sha256='.length), 'hex');
  if (!timingSafeEqual(expected, Buffer.from(signatureHex, 'hex'))) {
    return reject('signature_mismatch', 'signature does not match the body and timestamp (wrong secret, or the body was changed in transit)');
  }

  const now = input.nowSeconds ?? Math.floor(Date.now() / 1000);
  const tolerance = input.toleranceSeconds ?? DEFAULT_WMS_WEBHOOK_TOLERANCE_SECONDS;
  const age = now - timestamp;
  if (Math.abs(age) > tolerance) {
    const when = age > 0 ? `${age} s ago` : `${-age} s in the future`;
    return reject('timestamp_out_of_tolerance', `signed ${when}; accepted within ${tolerance} s of now (a replay, or clocks out of sync)`);
  }

  let json: unknown;
  try {
    json = JSON.parse(input.rawBody.toString());
  } catch {
    return reject('invalid_body', 'body is not valid JSON');
  }
  const parsed = wmsWebhookBodySchema.safeParse(json);
  if (!parsed.success) {
    return reject('invalid_body', parsed.error.issues.map((issue) => `${issue.path.join('.') || 'body'}: ${issue.message}`).join('; '));
  }
  const body = parsed.data;
  if (header(WMS_WEBHOOK_HEADERS.event) !== body.event) return reject('header_mismatch', `${WMS_WEBHOOK_HEADERS.event} differs from the body's event "${body.event}"`);
  if (header(WMS_WEBHOOK_HEADERS.idempotencyKey) !== body.idempotencyKey) {
    return reject('header_mismatch', `${WMS_WEBHOOK_HEADERS.idempotencyKey} differs from the body's idempotencyKey "${body.idempotencyKey}"`);
  }
  return { ok: true, event: body.event, idempotencyKey: body.idempotencyKey, body };
}

// ---- delivery

/** Worth another attempt: network error, timeout, 408, 429 or 5xx. */
export class WmsDeliveryRetryableError extends Error {
  constructor(
    message: string,
    /** HTTP status, or null when no response came back. */
    readonly status: number | null,
    /** The WMS's Retry-After, in ms, when it sent one. */
    readonly retryAfterMs: number | null,
    options?: ErrorOptions,
  ) {
    super(message, options);
    this.name = new.target.name;
  }
}

/** The WMS refused the payload (any other non-2xx): sending it again will not help. */
export class WmsDeliveryRejectedError extends Error {
  constructor(
    message: string,
    readonly status: number,
    /** The first 500 characters of the response body. */
    readonly responseBody: string,
  ) {
    super(message);
    this.name = new.target.name;
  }
}

export interface DeliverWmsWebhookInput {
  url: string;
  secret: string;
  event: WmsWebhookEvent;
  idempotencyKey: string;
  /** The rest of the body; `event` and `idempotencyKey` are taken from above so headers and body always agree. */
  body: Pick<WmsWebhookBody, 'occurredAt' | 'order'>;
  timeoutMs: number;
}

const RESPONSE_EXCERPT_CHARS = 500;

/** Retry-After as seconds or an HTTP date, in ms from now; null when absent or unreadable. */
function retryAfterMs(value: string | null, nowMs: number): number | null {
  if (value === null || value.trim() === '') return null;
  const text = value.trim();
  if (/^\d+$/.test(text)) return Number(text) * 1000;
  const at = Date.parse(text);
  return Number.isNaN(at) ? null : Math.max(0, at - nowMs);
}

/** Where the delivery went, for messages: the query string may carry a secret, so it is left out. */
function describeUrl(url: string): string {
  try {
    const parsed = new URL(url);
    return `${parsed.origin}${parsed.pathname}`;
  } catch {
    return 'an invalid URL';
  }
}

function fieldOf(value: unknown, field: string): unknown {
  return typeof value === 'object' && value !== null ? (value as Record<string, unknown>)[field] : undefined;
}

function isRetryableStatus(status: number): boolean {
  return status === 408 || status === 429 || status >= 500;
}

/**
 * One signed POST. Resolves on 2xx; otherwise throws a WmsDelivery*Error saying whether a retry
 * can help. Redirects are not followed: a signed order should not be forwarded to another host,
 * so a 3xx is a misconfigured URL (rejected).
 */
export async function deliverWmsWebhook(input: DeliverWmsWebhookInput): Promise<{ status: number }> {
  const body: WmsWebhookBody = { event: input.event, idempotencyKey: input.idempotencyKey, occurredAt: input.body.occurredAt, order: input.body.order };
  const rawBody = JSON.stringify(body);
  const timestamp = Math.floor(Date.now() / 1000);
  const target = describeUrl(input.url);
  let response: Response;
  try {
    response = await fetch(input.url, {
      method: 'POST',
      redirect: 'manual',
      signal: AbortSignal.timeout(input.timeoutMs),
      headers: {
        'content-type': 'application/json',
        [WMS_WEBHOOK_HEADERS.event]: input.event,
        [WMS_WEBHOOK_HEADERS.idempotencyKey]: input.idempotencyKey,
        [WMS_WEBHOOK_HEADERS.timestamp]: String(timestamp),
        [WMS_WEBHOOK_HEADERS.signature]: signWmsWebhook(input.secret, timestamp, rawBody),
      },
      body: rawBody,
    });
  } catch (error) {
    // fetch's errors may come from another realm (e.g. a test VM), so they are read by shape, not instanceof.
    const timedOut = fieldOf(error, 'name') === 'TimeoutError';
    const cause = fieldOf(fieldOf(error, 'cause'), 'message') ?? fieldOf(error, 'message') ?? String(error);
    const message = timedOut ? `WMS webhook to ${target} timed out after ${input.timeoutMs} ms` : `WMS webhook to ${target} failed: ${String(cause)}`;
    throw new WmsDeliveryRetryableError(message, null, null, { cause: error });
  }

  if (response.status >= 200 && response.status < 300) {
    await response.body?.cancel();
    return { status: response.status };
  }
  if (isRetryableStatus(response.status)) {
    await response.body?.cancel();
    const wait = retryAfterMs(response.headers.get('retry-after'), Date.now());
    throw new WmsDeliveryRetryableError(`WMS webhook to ${target} answered ${response.status}${wait === null ? '' : `, retry after ${wait} ms`}`, response.status, wait);
  }
  const excerpt = (await response.text().catch(() => '')).slice(0, RESPONSE_EXCERPT_CHARS);
  throw new WmsDeliveryRejectedError(`WMS refused the ${input.event} webhook (${target} answered ${response.status}): ${excerpt || '(empty body)'}`, response.status, excerpt);
}
