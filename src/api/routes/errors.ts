import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import { z } from 'zod';
import { orderStateQuery, resendShipmentUpdate, workflowIds, type ShipmentView } from '../../client';
import { findIntegrationEvent, listIntegrationEvents, resolveIntegrationEvent, type IntegrationEventRow } from '../../db/repositories/error-queue';
import { findOrder } from '../../db/repositories/orders';
import { entityType, errorCategory, eventSeverity, syncStream } from '../../db/schema';
import { requestOrderRefresh } from '../../temporal/order-refresh';
import { actorOf } from '../auth';
import { liveConnectionRowOf } from '../connection-rows';
import { ApiError, errorBody } from '../errors';
import { cursorParam, nextAfter, pageLimit } from '../pagination';
import type { ApiDependencies } from '../server';
import { callTemporal, runUpdate } from '../temporal-errors';
import { workflowUrl } from '../web-ui';

/** SPEC §8: the integration log (E-1) and the error queue (E-3): list, filter, retry, resolve. */

const security = [{ bearer: [] }];

/** What a retry of an error does, decided from its code and details (E-3). */
type RetryPlan =
  | { kind: 'refresh'; connectionId: string; channelOrderId: string; description: string }
  | { kind: 'resend'; orderId: string; wmsShipmentId: string; description: string }
  | { kind: 'none'; advice: string };

const text = (value: unknown): string | null => (typeof value === 'string' && value.length > 0 ? value : null);

/** What ops do about errors that no automatic retry fixes. */
const ADVICE: Record<string, (e: IntegrationEventRow) => string> = {
  credentials_rejected: (e) => `rotate the connection's credentials (PUT /v1/connections/${e.connectionId}/credentials); sync resumes by itself`,
  initial_import_failed: (e) => `fix the cause in the message, then finish setup again (storelink connections finish ${e.connectionId})`,
  wms_refused: () => 'fix what the WMS refused on its side; the order stays listable for the WMS pull (GET /v1/orders?status=open)',
  cancel_requested: (e) => `stop the order in the warehouse, then cancel it here (storelink orders cancel ${e.entityId} --reason …)`,
};

export function retryPlanOf(event: IntegrationEventRow): RetryPlan {
  const details = (event.details ?? {}) as Record<string, unknown>;
  switch (event.code) {
    case 'order_import_failed':
    case 'sku_missing': {
      const channelOrderId = text(details.channelOrderId) ?? event.entityId;
      if (event.connectionId && channelOrderId) {
        return { kind: 'refresh', connectionId: event.connectionId, channelOrderId, description: `re-reads order ${channelOrderId} from the store and imports it again` };
      }
      break;
    }
    case 'shipment_rejected':
    case 'shipment_failed': {
      const orderId = text(details.orderId);
      const wmsShipmentId = text(details.wmsShipmentId);
      if (orderId && wmsShipmentId) return { kind: 'resend', orderId, wmsShipmentId, description: `sends shipment ${wmsShipmentId} to the store again` };
      break;
    }
  }
  const advice = ADVICE[event.code]?.(event) ?? (event.code.startsWith('products_download_') ? `fix the cause, then run products now (storelink connections run ${event.connectionId} products)` : 'act on the message, then resolve the entry');
  return { kind: 'none', advice };
}

const integrationEvent = z
  .object({
    id: z.number().int(),
    connectionId: z.string().uuid().nullable(),
    stream: z.enum(syncStream.enumValues).nullable(),
    entityType: z.enum(entityType.enumValues),
    entityId: z.string().nullable(),
    severity: z.enum(eventSeverity.enumValues),
    category: z.enum(errorCategory.enumValues).nullable(),
    code: z.string(),
    message: z.string(),
    details: z.record(z.string(), z.unknown()),
    groupKey: z.string().nullable().describe('same-cause events share it and are counted in occurrences (E-2)'),
    occurrences: z.number().int(),
    createdAt: z.date(),
    lastSeenAt: z.date(),
    resolvedAt: z.date().nullable(),
  })
  .meta({ id: 'IntegrationEvent' });

const errorEntry = integrationEvent
  .extend({
    retry: z.string().nullable().describe('what POST …/retry does; null when no automatic retry exists'),
    advice: z.string().nullable().describe('what to do when there is no automatic retry'),
  })
  .meta({ id: 'ErrorEntry' });

const presentEvent = (row: IntegrationEventRow): z.infer<typeof integrationEvent> => ({
  id: row.id,
  connectionId: row.connectionId,
  stream: row.stream,
  entityType: row.entityType,
  entityId: row.entityId,
  severity: row.severity,
  category: row.category,
  code: row.code,
  message: row.message,
  details: row.details as Record<string, unknown>,
  groupKey: row.groupKey,
  occurrences: row.occurrences,
  createdAt: row.createdAt,
  lastSeenAt: row.lastSeenAt,
  resolvedAt: row.resolvedAt,
});

function presentError(row: IntegrationEventRow): z.infer<typeof errorEntry> {
  const plan = retryPlanOf(row);
  return { ...presentEvent(row), retry: plan.kind === 'none' ? null : plan.description, advice: plan.kind === 'none' ? plan.advice : null };
}

const idParams = z.object({ id: z.coerce.number({ error: 'expected an error id (a number)' }).int('expected an error id (a number)').positive('expected an error id (a number)') });
const connectionFilter = z.string().uuid('expected a connection id (uuid)').optional();
const eventCursor = cursorParam(z.coerce.number().int().positive()).optional();

export const errorQueueRoutes: FastifyPluginAsyncZod<ApiDependencies> = async (app, deps) => {
  const { db, temporal } = deps;

  async function errorOf(id: number): Promise<IntegrationEventRow> {
    const row = await findIntegrationEvent(db, id);
    // Warnings and info belong to the log, not the queue: only errors can be retried or resolved.
    if (!row || row.severity !== 'error') throw new ApiError(404, 'not_found', `no error ${id} in the error queue`);
    return row;
  }

  app.get(
    '/errors',
    {
      schema: {
        tags: ['errors'],
        summary: 'The error queue (E-3): open errors, most recently seen first, with what a retry would do',
        security,
        querystring: z.object({
          connectionId: connectionFilter,
          category: z.enum(errorCategory.enumValues).optional(),
          code: z.string().min(1).max(100).optional(),
          entityType: z.enum(entityType.enumValues).optional(),
          resolved: z.enum(['true', 'false'], { error: 'expected true or false' }).default('false'),
          limit: pageLimit,
          after: eventCursor,
        }),
        response: { 200: z.object({ errors: z.array(errorEntry), nextAfter: z.string().nullable() }), 400: errorBody },
      },
    },
    async (request) => {
      const { resolved, ...filter } = request.query;
      const rows = await listIntegrationEvents(db, { ...filter, severity: 'error', resolved: resolved === 'true' });
      return { errors: rows.map(presentError), nextAfter: nextAfter(rows, filter.limit) };
    },
  );

  app.post(
    '/errors/:id/resolve',
    {
      schema: {
        tags: ['errors'],
        summary: 'Mark an error resolved (idempotent: resolving twice keeps the first time)',
        security,
        params: idParams,
        response: { 200: errorEntry, 400: errorBody, 404: errorBody },
      },
    },
    async (request) => {
      await errorOf(request.params.id);
      return presentError((await resolveIntegrationEvent(db, request.params.id))!);
    },
  );

  app.post(
    '/errors/:id/retry',
    {
      schema: {
        tags: ['errors'],
        summary: 'Retry what failed: re-import the order, or re-send the shipment. Idempotent; the entry resolves itself when the retry succeeds',
        security,
        params: idParams,
        response: {
          202: z.object({ error: errorEntry, retry: z.string(), workflowId: z.string(), webUiUrl: z.string() }),
          400: errorBody,
          404: errorBody,
          409: errorBody,
          503: errorBody,
        },
      },
    },
    async (request, reply) => {
      const row = await errorOf(request.params.id);
      if (row.resolvedAt) throw new ApiError(409, 'conflict', `error ${row.id} is resolved; nothing to retry`);
      const plan = retryPlanOf(row);
      let workflowId: string;
      switch (plan.kind) {
        case 'none':
          throw new ApiError(409, 'no_retry', `no automatic retry for ${row.code}: ${plan.advice}`);
        case 'refresh': {
          const connection = await liveConnectionRowOf(db, plan.connectionId);
          // A refresh already running takes this as "read once more": a second retry costs one read at most.
          workflowId = await callTemporal('retry', () =>
            requestOrderRefresh(temporal, { taskQueue: deps.taskQueue, connectionId: connection.id, channelOrderId: plan.channelOrderId, source: `retry of error ${row.id}` }),
          );
          break;
        }
        case 'resend': {
          const order = await findOrder(db, plan.orderId);
          if (!order) throw new ApiError(409, 'conflict', `error ${row.id} names order ${plan.orderId}, which no longer exists; resolve the entry`);
          workflowId = workflowIds.order(order.connectionId, order.channelOrderId);
          const handle = temporal.workflow.getHandle(workflowId);
          // A re-send already under way (an earlier retry, or ops) is this retry too.
          const live = await handle.query(orderStateQuery).catch(() => undefined);
          if (live?.shipments.find((s) => s.wmsShipmentId === plan.wmsShipmentId)?.status === 'pending') break;
          // One update id per occurrence: a second retry of the same failure joins the first instead of re-sending again.
          await runUpdate<ShipmentView>(
            `retry of error ${row.id}`,
            () =>
              handle.executeUpdate(resendShipmentUpdate, {
                args: [{ wmsShipmentId: plan.wmsShipmentId, by: actorOf(request) }],
                updateId: `retry:error-${row.id}:${row.occurrences}`,
              }),
            {
              onNotFound: async () => {
                throw new ApiError(409, 'order_closed', `order ${order.orderNumber} is ${order.status} and its workflow has ended; the shipment can no longer be re-sent`);
              },
            },
          );
          break;
        }
      }
      return reply.status(202).send({ error: presentError(row), retry: plan.description, workflowId, webUiUrl: workflowUrl(deps, workflowId) });
    },
  );

  app.get(
    '/events',
    {
      schema: {
        tags: ['errors'],
        summary: 'The integration log (E-1): every download, push and send, newest first; e.g. code=order_skipped for skip reasons (OD-3)',
        security,
        querystring: z.object({
          connectionId: connectionFilter,
          severity: z.enum(eventSeverity.enumValues).optional(),
          code: z.string().min(1).max(100).optional(),
          entityType: z.enum(entityType.enumValues).optional(),
          entityId: z.string().min(1).max(200).optional(),
          limit: pageLimit,
          after: eventCursor,
        }),
        response: { 200: z.object({ events: z.array(integrationEvent), nextAfter: z.string().nullable() }), 400: errorBody },
      },
    },
    async (request) => {
      const rows = await listIntegrationEvents(db, request.query);
      return { events: rows.map(presentEvent), nextAfter: nextAfter(rows, request.query.limit) };
    },
  );
};
