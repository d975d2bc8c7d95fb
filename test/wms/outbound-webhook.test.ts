// The outbound WMS webhook (O-1) against a real local HTTP server: what is sent verifies on the
// receiving side, anything altered or replayed is refused with a named reason, and every answer
// of the WMS is classified as success, retryable or rejected.
import { createServer, type IncomingHttpHeaders, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import {
  deliverWmsWebhook,
  signWmsWebhook,
  verifyWmsWebhook,
  wmsWebhookBodySchema,
  WmsDeliveryRejectedError,
  WmsDeliveryRetryableError,
  type DeliverWmsWebhookInput,
} from '../../src/wms/outbound-webhook';
import { wmsOrder } from './fixtures';

const SECRET = 'test-only-wms-secret';
const OCCURRED_AT = '2026-11-02T09:30:00.000Z';

let server: Server;
let url: string;
let received: { headers: IncomingHttpHeaders; raw: string }[] = [];
/** How the server answers the next request. */
let answer: (res: ServerResponse) => void = (res) => res.writeHead(204).end();

beforeAll(async () => {
  server = createServer((req, res) => {
    let raw = '';
    req.setEncoding('utf8');
    req.on('data', (chunk: string) => (raw += chunk));
    req.on('end', () => {
      received.push({ headers: req.headers, raw });
      answer(res);
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  url = `http://127.0.0.1:${(server.address() as AddressInfo).port}/webhooks/storelink`;
});

afterAll(async () => {
  server.closeAllConnections();
  await new Promise((resolve) => server.close(resolve));
});

beforeEach(() => {
  received = [];
  answer = (res) => res.writeHead(204).end();
});

function delivery(overrides: Partial<DeliverWmsWebhookInput> = {}): DeliverWmsWebhookInput {
  const order = wmsOrder();
  return {
    url,
    secret: SECRET,
    event: 'order.released',
    idempotencyKey: `order:${order.id}:released`,
    body: { occurredAt: OCCURRED_AT, order },
    timeoutMs: 2_000,
    ...overrides,
  };
}

/** Delivers once and returns what the server received. */
async function deliverAndCapture(): Promise<{ headers: IncomingHttpHeaders; raw: string }> {
  await deliverWmsWebhook(delivery());
  const [request] = received;
  if (!request) throw new Error('the server received nothing');
  return request;
}

function signedHeaders(raw: string, timestamp: number, extra: Record<string, string> = {}): Record<string, string> {
  const body = JSON.parse(raw) as { event: string; idempotencyKey: string };
  return {
    'x-storelink-event': body.event,
    'x-storelink-idempotency-key': body.idempotencyKey,
    'x-storelink-timestamp': String(timestamp),
    'x-storelink-signature': signWmsWebhook(SECRET, timestamp, raw),
    ...extra,
  };
}

describe('signature', () => {
  it('O-1 a delivered webhook verifies on the receiving side with the same secret', async () => {
    const request = await deliverAndCapture();
    expect(request.headers['content-type']).toBe('application/json');
    expect(request.headers['x-storelink-signature']).toMatch(/^sha256=[0-9a-f]{64}$/);
    const result = verifyWmsWebhook({ secret: SECRET, rawBody: request.raw, headers: request.headers });
    const order = wmsOrder();
    expect(result).toEqual({
      ok: true,
      event: 'order.released',
      idempotencyKey: `order:${order.id}:released`,
      body: { event: 'order.released', idempotencyKey: `order:${order.id}:released`, occurredAt: OCCURRED_AT, order },
    });
    expect(wmsWebhookBodySchema.safeParse(JSON.parse(request.raw)).success).toBe(true);
  });

  it('O-1 verifies a Buffer body the same as its string', async () => {
    const request = await deliverAndCapture();
    expect(verifyWmsWebhook({ secret: SECRET, rawBody: Buffer.from(request.raw), headers: request.headers }).ok).toBe(true);
  });

  it('O-1 rejects a tampered body, a wrong secret and a swapped timestamp as signature_mismatch', async () => {
    const request = await deliverAndCapture();
    const tampered = request.raw.replace('"quantity":2', '"quantity":20');
    expect(tampered).not.toBe(request.raw);
    const timestamp = Number(request.headers['x-storelink-timestamp']);
    for (const attempt of [
      { secret: SECRET, rawBody: tampered, headers: request.headers },
      { secret: 'another-secret', rawBody: request.raw, headers: request.headers },
      { secret: SECRET, rawBody: request.raw, headers: { ...request.headers, 'x-storelink-timestamp': String(timestamp - 1) } },
    ]) {
      expect(verifyWmsWebhook(attempt)).toMatchObject({ ok: false, reason: 'signature_mismatch' });
    }
  });

  it('O-1 rejects a correctly signed request older than 5 minutes (replay) and accepts it within a wider tolerance', async () => {
    const { raw } = await deliverAndCapture();
    const now = 1_800_000_000;
    const headers = signedHeaders(raw, now - 301);
    expect(verifyWmsWebhook({ secret: SECRET, rawBody: raw, headers, nowSeconds: now })).toMatchObject({ ok: false, reason: 'timestamp_out_of_tolerance' });
    expect(verifyWmsWebhook({ secret: SECRET, rawBody: raw, headers: signedHeaders(raw, now + 301), nowSeconds: now })).toMatchObject({
      ok: false,
      reason: 'timestamp_out_of_tolerance',
    });
    expect(verifyWmsWebhook({ secret: SECRET, rawBody: raw, headers, nowSeconds: now, toleranceSeconds: 600 }).ok).toBe(true);
  });

  it('O-1 names a missing or malformed header', async () => {
    const { raw, headers } = await deliverAndCapture();
    const withoutSignature = { ...headers, 'x-storelink-signature': undefined };
    const missing = verifyWmsWebhook({ secret: SECRET, rawBody: raw, headers: withoutSignature });
    expect(missing).toEqual({ ok: false, reason: 'missing_header', message: 'missing header(s): x-storelink-signature' });

    const badSignature = verifyWmsWebhook({ secret: SECRET, rawBody: raw, headers: { ...headers, 'x-storelink-signature': 'deadbeef' } });
    expect(badSignature).toMatchObject({ ok: false, reason: 'malformed_header', message: expect.stringContaining('x-storelink-signature') });
    const badTimestamp = verifyWmsWebhook({ secret: SECRET, rawBody: raw, headers: { ...headers, 'x-storelink-timestamp': '2026-11-02T09:30:00Z' } });
    expect(badTimestamp).toMatchObject({ ok: false, reason: 'malformed_header', message: expect.stringContaining('x-storelink-timestamp') });
  });

  it('O-1 rejects a signed body that breaks the schema or disagrees with the headers', async () => {
    const now = Math.floor(Date.now() / 1000);
    const { raw } = await deliverAndCapture();
    const noLines = JSON.stringify({ ...JSON.parse(raw), order: { ...wmsOrder(), lines: [{ id: 'l1', sku: '', title: 'x', quantity: 0 }] } });
    const invalid = verifyWmsWebhook({ secret: SECRET, rawBody: noLines, headers: signedHeaders(noLines, now) });
    expect(invalid).toMatchObject({ ok: false, reason: 'invalid_body', message: expect.stringContaining('order.lines.0.sku') });

    const notJson = '{"event":';
    const headers = { ...signedHeaders(raw, now), 'x-storelink-signature': signWmsWebhook(SECRET, now, notJson) };
    expect(verifyWmsWebhook({ secret: SECRET, rawBody: notJson, headers })).toMatchObject({ ok: false, reason: 'invalid_body' });

    const otherEvent = signedHeaders(raw, now, { 'x-storelink-event': 'order.cancelled' });
    expect(verifyWmsWebhook({ secret: SECRET, rawBody: raw, headers: otherEvent })).toMatchObject({ ok: false, reason: 'header_mismatch' });
    const otherKey = signedHeaders(raw, now, { 'x-storelink-idempotency-key': 'order:other:released' });
    expect(verifyWmsWebhook({ secret: SECRET, rawBody: raw, headers: otherKey })).toMatchObject({ ok: false, reason: 'header_mismatch' });
  });
});

describe('delivery', () => {
  it('O-1 any 2xx is success; the idempotency key and event travel in headers and body alike', async () => {
    answer = (res) => res.writeHead(202, { 'content-type': 'application/json' }).end('{"accepted":true}');
    await expect(deliverWmsWebhook(delivery({ event: 'order.cancelled', idempotencyKey: 'order:o-1:cancelled' }))).resolves.toEqual({ status: 202 });
    const [request] = received;
    expect(request?.headers['x-storelink-event']).toBe('order.cancelled');
    expect(request?.headers['x-storelink-idempotency-key']).toBe('order:o-1:cancelled');
    expect(JSON.parse(request?.raw ?? '{}')).toMatchObject({ event: 'order.cancelled', idempotencyKey: 'order:o-1:cancelled' });
  });

  it('O-1 a 503 is retryable and carries Retry-After in ms', async () => {
    answer = (res) => res.writeHead(503, { 'retry-after': '7' }).end('busy');
    const error = await deliverWmsWebhook(delivery()).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(WmsDeliveryRetryableError);
    expect(error).toMatchObject({ status: 503, retryAfterMs: 7_000 });
    expect((error as Error).name).toBe('WmsDeliveryRetryableError');
  });

  it('O-1 408 and 429 are retryable; Retry-After may be an HTTP date', async () => {
    answer = (res) => res.writeHead(408).end();
    await expect(deliverWmsWebhook(delivery())).rejects.toMatchObject({ status: 408, retryAfterMs: null });
    answer = (res) => res.writeHead(429, { 'retry-after': new Date(Date.now() + 60_000).toUTCString() }).end();
    const error = (await deliverWmsWebhook(delivery()).catch((e: unknown) => e)) as WmsDeliveryRetryableError;
    expect(error).toBeInstanceOf(WmsDeliveryRetryableError);
    expect(error.retryAfterMs).toBeGreaterThan(55_000);
    expect(error.retryAfterMs).toBeLessThanOrEqual(60_000);
  });

  it('O-1 a 400 is rejected with the status and the first 500 characters of the answer', async () => {
    answer = (res) => res.writeHead(400, { 'content-type': 'application/json' }).end(JSON.stringify({ error: 'unknown SKU MUG-BLUE', padding: 'x'.repeat(1000) }));
    const error = (await deliverWmsWebhook(delivery()).catch((e: unknown) => e)) as WmsDeliveryRejectedError;
    expect(error).toBeInstanceOf(WmsDeliveryRejectedError);
    expect(error.status).toBe(400);
    expect(error.responseBody).toHaveLength(500);
    expect(error.message).toContain('400');
    expect(error.message).toContain('unknown SKU MUG-BLUE');
  });

  it('O-1 a redirect is not followed but rejected: the URL is misconfigured', async () => {
    answer = (res) => res.writeHead(301, { location: 'http://elsewhere.example.test/' }).end();
    await expect(deliverWmsWebhook(delivery())).rejects.toBeInstanceOf(WmsDeliveryRejectedError);
    expect(received).toHaveLength(1);
  });

  it('O-1 a timeout is retryable, with no status', async () => {
    answer = () => undefined; // never answers
    const error = await deliverWmsWebhook(delivery({ timeoutMs: 200 })).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(WmsDeliveryRetryableError);
    expect((error as WmsDeliveryRetryableError).status).toBeNull();
    expect((error as Error).message).toContain('timed out after 200 ms');
  });

  it('O-1 a refused connection is retryable, and the message leaves out the query string', async () => {
    const closed = createServer();
    await new Promise<void>((resolve) => closed.listen(0, '127.0.0.1', resolve));
    const port = (closed.address() as AddressInfo).port;
    await new Promise((resolve) => closed.close(resolve));
    const error = await deliverWmsWebhook(delivery({ url: `http://127.0.0.1:${port}/hook?token=not-a-real-token` })).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(WmsDeliveryRetryableError);
    expect((error as WmsDeliveryRetryableError).status).toBeNull();
    expect((error as Error).message).toContain('ECONNREFUSED');
    expect((error as Error).message).not.toContain('not-a-real-token');
  });
});
