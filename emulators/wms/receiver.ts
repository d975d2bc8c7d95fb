// `POST /webhooks/storelink`: the WMS end of Storelink's outbound webhook (O-1). Verified with the
// production verifier on the raw bytes (401 for anything wrong with the signature or its headers,
// 400 for a signed body that is not a valid order), deduplicated by idempotency key (a repeat
// answers 200 `{duplicate: true}` and changes nothing), then handed to the warehouse. Every
// delivery is recorded, refused ones too.
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { verifyWmsWebhook, WMS_WEBHOOK_HEADERS, type WmsWebhookRejectionReason } from '../../src/wms/outbound-webhook';
import type { DeliveryOutcome, SimulatorStore } from './store';
import type { Warehouse } from './warehouse';

export const WEBHOOK_PATH = '/webhooks/storelink';

/** Reasons about the payload rather than its authenticity. */
const BAD_REQUEST_REASONS: readonly WmsWebhookRejectionReason[] = ['invalid_body', 'header_mismatch'];

export interface ReceiverDeps {
  store: SimulatorStore;
  warehouse: Warehouse;
  secret: string;
}

function headerOf(req: FastifyRequest, name: string): string | null {
  const value = req.headers[name];
  return typeof value === 'string' ? value : null;
}

export async function registerWebhookRoute(app: FastifyInstance, { store, warehouse, secret }: ReceiverDeps): Promise<void> {
  // The signature covers the exact bytes, so this route gets them unparsed.
  app.removeContentTypeParser('application/json');
  app.addContentTypeParser('application/json', { parseAs: 'buffer' }, (_req, body, done) => done(null, body));

  app.post(WEBHOOK_PATH, async (req: FastifyRequest, reply: FastifyReply) => {
    const receivedAt = new Date().toISOString();
    const answer = (status: number, outcome: DeliveryOutcome, payload: object, details: { orderId?: string; reason?: string } = {}) => {
      store.deliveries.push({
        receivedAt,
        event: headerOf(req, WMS_WEBHOOK_HEADERS.event),
        idempotencyKey: headerOf(req, WMS_WEBHOOK_HEADERS.idempotencyKey),
        orderId: details.orderId ?? null,
        status,
        outcome,
        reason: details.reason ?? null,
      });
      return reply.code(status).send(payload);
    };

    if (store.takeInjectedFailure()) {
      return answer(503, 'injected_failure', { error: 'service_unavailable', message: 'injected failure (failNextWebhooks)' });
    }
    const rawBody = Buffer.isBuffer(req.body) ? req.body : Buffer.alloc(0);
    const verified = verifyWmsWebhook({ secret, rawBody, headers: req.headers });
    if (!verified.ok) {
      const status = BAD_REQUEST_REASONS.includes(verified.reason) ? 400 : 401;
      return answer(status, 'rejected', { error: verified.reason, message: verified.message }, { reason: verified.reason });
    }
    const { record, duplicate } = store.receive(verified.body, receivedAt);
    if (!duplicate) warehouse.received(record, verified.event);
    return answer(200, duplicate ? 'duplicate' : 'accepted', { duplicate }, { orderId: record.order.id });
  });
}
