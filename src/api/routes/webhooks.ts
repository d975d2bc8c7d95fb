import type { FastifyReply, FastifyRequest } from 'fastify';
import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import { z } from 'zod';
import { describeIssues } from '../../channels/issues';
import { verifyShopifyWebhook, type WebhookHeaders } from '../../channels/shopify/webhooks';
import type { ConnectionRow } from '../../db/repositories/connections';
import { CredentialsNotFoundError, loadCredentials } from '../../db/repositories/credentials';
import { recordEvent } from '../../db/repositories/integration-events';
import { claimWebhookReceipt, findLiveConnectionByStore, markWebhookProcessed, releaseWebhookReceipt } from '../../db/repositories/webhook-receipts';
import { shopifyCredentialsSchema } from '../../domain/credentials';
import { findOrderByChannelId } from '../../db/repositories/orders';
import { requestOrderRefresh } from '../../temporal/order-refresh';
import { ApiError, errorBody } from '../errors';
import type { ApiDependencies } from '../server';
import { isTemporalUnavailable, temporalUnavailable } from '../temporal-errors';

/**
 * `POST /webhooks/shopify` (OD-2): authenticated by the HMAC of the raw body with the store's app
 * secret, never by a bearer token. An order webhook is only a hint: it asks the order's refresh
 * workflow to re-read the order from Shopify. Deliveries are deduped by event id; every verified
 * delivery gets a 2xx (Shopify retries anything else), except when Temporal is down (503, so the
 * retry comes when it can be taken).
 */

/** Shopify gives up on a delivery after 5 s; Temporal gets a share of it and the rest is a 503. */
const TEMPORAL_DEADLINE_MS = 3_000;
/** Shopify's mandatory privacy webhooks: verified and logged; acting on them is a later issue. */
const COMPLIANCE_TOPICS = ['customers/data_request', 'customers/redact', 'shop/redact'];
/** Statuses in which the store's orders are synced; otherwise a hint is acknowledged and dropped. */
const SYNCING = ['importing', 'completed'];
/** One answer for every unverifiable delivery: which shops Storelink knows is nobody else's business. */
const NOT_VERIFIED = 'webhook signature could not be verified';

const ack = z
  .object({
    received: z.literal(true),
    duplicate: z.boolean(),
    action: z.string().describe('what Storelink did with it'),
  })
  .meta({ id: 'WebhookAck' });

type Ack = z.infer<typeof ack>;

function header(request: FastifyRequest, name: string): string | undefined {
  const value = request.headers[name];
  return Array.isArray(value) ? value[0] : value;
}

export const webhookRoutes: FastifyPluginAsyncZod<ApiDependencies> = async (app, deps) => {
  const { db, temporal } = deps;

  // The HMAC is over the bytes as sent: this plugin (and only it, by Fastify's encapsulation)
  // keeps JSON bodies as a raw Buffer instead of parsing them.
  app.removeContentTypeParser('application/json');
  app.addContentTypeParser('application/json', { parseAs: 'buffer' }, (_request, body, done) => done(null, body));

  async function appSecretOf(connection: ConnectionRow): Promise<string | null> {
    try {
      const parsed = shopifyCredentialsSchema.safeParse(await loadCredentials(db, deps.secrets, connection.id));
      if (parsed.success) return parsed.data.appSecret;
      deps.log.error({ connectionId: connection.id, problem: describeIssues(parsed.error) }, 'stored Shopify credentials do not parse');
      return null;
    } catch (error) {
      if (error instanceof CredentialsNotFoundError) return null;
      throw error;
    }
  }

  /** Runs `work` once per event id; a duplicate delivery does nothing (OD-2). */
  async function once(connection: ConnectionRow, eventId: string, topic: string, work: () => Promise<string>): Promise<Ack> {
    const receipt = await claimWebhookReceipt(db, { channel: 'shopify', eventId, topic, storeIdentity: connection.storeIdentity!, connectionId: connection.id });
    if (!receipt) return { received: true, duplicate: true, action: 'already received; nothing done' };
    let action: string;
    try {
      action = await work();
    } catch (error) {
      await releaseWebhookReceipt(db, receipt); // so Shopify's retry is not taken for a duplicate
      throw error;
    }
    await markWebhookProcessed(db, receipt);
    return { received: true, duplicate: false, action };
  }

  app.post(
    '/webhooks/shopify',
    {
      schema: {
        tags: ['webhooks'],
        summary: 'Shopify webhooks (OD-2): HMAC-verified, deduped by event id; an order topic re-reads that order from Shopify',
        description: 'No bearer token: X-Shopify-Hmac-Sha256 over the raw body with the app secret of the store named by X-Shopify-Shop-Domain.',
        response: { 200: ack, 400: errorBody, 401: errorBody, 503: errorBody },
      },
    },
    async (request: FastifyRequest, reply: FastifyReply) => {
      const rawBody = Buffer.isBuffer(request.body) ? request.body : Buffer.alloc(0);
      if (!header(request, 'x-shopify-hmac-sha256')) throw new ApiError(401, 'unauthorized', 'X-Shopify-Hmac-Sha256 header is missing');
      const shop = header(request, 'x-shopify-shop-domain')?.trim().toLowerCase();
      const connection = shop ? await findLiveConnectionByStore(db, 'shopify', shop) : undefined;
      const appSecret = connection ? await appSecretOf(connection) : null;
      if (!connection || !appSecret) throw new ApiError(401, 'unauthorized', NOT_VERIFIED);

      const verified = verifyShopifyWebhook(rawBody, request.headers as WebhookHeaders, appSecret);
      const topic = header(request, 'x-shopify-topic') ?? '(none)';
      const log = request.log.child({ connectionId: connection.id, topic, webhookId: header(request, 'x-shopify-webhook-id') });
      if (!verified.ok) {
        if (verified.reason === 'missing_hmac' || verified.reason === 'bad_hmac') throw new ApiError(401, 'unauthorized', NOT_VERIFIED);
        if (verified.reason === 'malformed') throw new ApiError(400, 'malformed_webhook', `webhook is malformed: ${verified.message}`);
        // unsupported_topic: the HMAC matched, so it is Shopify's; a non-2xx would only make it retry.
        if (!COMPLIANCE_TOPICS.includes(topic)) {
          log.info('webhook topic not handled; acknowledged');
          return reply.send({ received: true, duplicate: false, action: `topic ${topic} is not handled; ignored` });
        }
        const eventId = header(request, 'x-shopify-event-id') ?? header(request, 'x-shopify-webhook-id');
        if (!eventId) throw new ApiError(400, 'malformed_webhook', 'webhook is malformed: X-Shopify-Webhook-Id is missing');
        return reply.send(
          await once(connection, eventId, topic, async () => {
            // Only the topic and ids are kept: the payload names a customer (PII).
            await recordEvent(db, {
              connectionId: connection.id,
              stream: null,
              entityType: 'connection',
              entityId: connection.id,
              severity: 'info',
              code: 'compliance_webhook_received',
              message: `Shopify ${topic} received for ${shop}; compliance requests are not automated yet (R-8): handle it by hand within 30 days`,
              details: { topic, eventId },
            });
            log.info('compliance webhook recorded');
            return 'compliance request recorded for ops';
          }),
        );
      }

      if (!connection.active || !SYNCING.includes(connection.status)) {
        log.info({ status: connection.status, active: connection.active }, 'order webhook for a connection that is not syncing; acknowledged');
        return reply.send({ received: true, duplicate: false, action: `connection is ${connection.active ? connection.status : 'inactive'}; ignored` });
      }
      const answer = await once(connection, verified.eventId ?? verified.webhookId, verified.topic, async () => {
        // A hint about a version we already hold (typically our own tag write, OD-12) needs no re-read;
        // the poll's overlap window is the backstop for a change made within that same second.
        const stored = await findOrderByChannelId(db, connection.id, verified.channelOrderId);
        if (stored && Date.parse(verified.updatedAt) <= stored.channelUpdatedAt.getTime()) return `order ${verified.channelOrderId} is up to date; nothing to re-read`;
        try {
          await temporal.connection.withDeadline(Date.now() + TEMPORAL_DEADLINE_MS, () =>
            requestOrderRefresh(temporal, { taskQueue: deps.taskQueue, connectionId: connection.id, channelOrderId: verified.channelOrderId, source: `webhook:${verified.topic}` }),
          );
        } catch (error) {
          if (isTemporalUnavailable(error)) throw temporalUnavailable('webhook not taken');
          throw error;
        }
        return `re-read of order ${verified.channelOrderId} requested`;
      });
      log.info({ duplicate: answer.duplicate, channelOrderId: verified.channelOrderId }, 'order webhook taken');
      return reply.send(answer);
    },
  );
};
