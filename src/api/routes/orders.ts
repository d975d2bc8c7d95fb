import { WorkflowExecutionAlreadyStartedError } from '@temporalio/client';
import { TypedSearchAttributes, WorkflowIdReusePolicy } from '@temporalio/common';
import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import { z } from 'zod';
import {
  cancelOrderUpdate,
  orderStateQuery,
  postShipmentUpdate,
  releaseHoldUpdate,
  resendShipmentUpdate,
  searchAttributes,
  WMS_PROGRESS_TYPES,
  wmsProgressUpdate,
  workflowIds,
  workflowTypes,
  type OrderView,
  type OrderWorkflowInput,
  type ShipmentView,
} from '../../client';
import { listOrders } from '../../db/repositories/order-queries';
import { findOrder, insertManualOrder, linesOfOrder, markWorkflowStarted, type OrderRow } from '../../db/repositories/orders';
import { storeNameOf } from '../../db/repositories/connections';
import { findProductsBySku } from '../../db/repositories/products';
import { signalOrderWorkflow } from '../../temporal/order-workflows';
import { wmsAddressSchema } from '../../wms/outbound-webhook';
import { shipmentsOfOrder } from '../../db/repositories/shipments';
import { shipmentStatus } from '../../db/schema';
import { isTerminal, ORDER_STATUSES } from '../../domain/order-status';
import { requestOrderRefresh } from '../../temporal/order-refresh';
import type { ordersDownloadWorkflow } from '../../workflows/orders-download';
import { actorOf } from '../auth';
import { liveConnectionRowOf } from '../connection-rows';
import { ApiError, errorBody } from '../errors';
import { cursorParam, nextAfter, pageLimit } from '../pagination';
import type { ApiDependencies } from '../server';
import { callTemporal, runUpdate } from '../temporal-errors';
import { workflowUrl } from '../web-ui';

/** O-4: a WMS-made order's workflow: open, already in the WMS, never sent to the store. */
function manualOrderInput(row: OrderRow): OrderWorkflowInput {
  return {
    orderId: row.id,
    connectionId: row.connectionId,
    channelOrderId: row.channelOrderId,
    orderNumber: row.orderNumber,
    status: 'open',
    holdReason: null,
    awaitingPayment: false,
    origin: 'wms_manual',
    pendingPaymentWarnHours: 72, // never used: a WMS-made order does not wait for payment
  };
}

/** SPEC §9 orders: list/filter (the WMS pull, O-1), read, WMS progress and shipments (O-2, O-3), ops actions (O-7), re-import (OD-11). */

const security = [{ bearer: [] }];
const orderStatus = z.enum(ORDER_STATUSES);
const isoDateTime = z.iso.datetime({ offset: true, error: 'expected an ISO-8601 date-time with a zone, e.g. 2026-11-25T10:00:00Z' });
const idParams = z.object({ id: z.string().uuid('expected an order id (uuid)') });
/** A read of the workflow's live state must not hold up the answer when the worker is busy or down. */
const LIVE_QUERY_DEADLINE_MS = 3_000;
/** Re-import starts go out in bursts of this many, so 250 ids do not hit the server at once. */
const REFRESH_BURST = 25;

const shipmentView = z
  .object({
    wmsShipmentId: z.string(),
    status: z.enum(shipmentStatus.enumValues),
    message: z.string().nullable(),
    channelFulfillmentId: z.string().nullable(),
  })
  .meta({ id: 'ShipmentView' });

const orderView = z
  .object({
    orderId: z.string().uuid(),
    connectionId: z.string().uuid(),
    orderNumber: z.string(),
    status: orderStatus,
    holdReason: z.string().nullable(),
    awaitingPayment: z.boolean(),
    released: z.boolean().describe('released to the WMS (O-1) at least once'),
    channelUpdatedAt: z.string().nullable(),
    shipments: z.array(shipmentView),
  })
  .meta({ id: 'OrderView', description: "The order workflow's own state (orderStateQuery)" });

const orderSummary = z
  .object({
    id: z.string().uuid(),
    connectionId: z.string().uuid(),
    channelOrderId: z.string(),
    orderNumber: z.string(),
    status: orderStatus,
    holdReason: z.string().nullable(),
    releasedAt: z.date().nullable().describe('first release to the WMS (O-1)'),
    updatedAt: z.date(),
    workflowId: z.string(),
    webUiUrl: z.string().describe('the order workflow in the Temporal Web UI'),
  })
  .meta({ id: 'OrderSummary' });

const storedShipment = z
  .object({
    wmsShipmentId: z.string(),
    status: z.enum(shipmentStatus.enumValues),
    statusMessage: z.string().nullable(),
    carrier: z.string().nullable(),
    service: z.string().nullable(),
    trackingNumbers: z.array(z.string()),
    trackingUrl: z.string().nullable(),
    shippedAt: z.date(),
    sentAt: z.date().nullable(),
    channelFulfillmentId: z.string().nullable(),
    lines: z.array(z.object({ sku: z.string(), quantity: z.number() })),
  })
  .meta({ id: 'Shipment' });

const orderDetail = orderSummary
  .extend({
    origin: z.enum(['channel', 'wms_manual']),
    financialStatus: z.string().nullable(),
    fulfillmentStatus: z.string().nullable(),
    tags: z.array(z.string()),
    channelCreatedAt: z.date().nullable(),
    channelUpdatedAt: z.date(),
    wmsStartedAt: z.date().nullable(),
    terminalAt: z.date().nullable(),
    createdAt: z.date(),
    customer: z
      .object({
        name: z.string().nullable(),
        email: z.string().nullable(),
        phone: z.string().nullable(),
        shippingAddress: z.record(z.string(), z.unknown()).nullable(),
        purgedAt: z.date().nullable().describe('PII purged after the retention period (R-6)'),
      })
      .describe('customer data (PII): this API is token-protected'),
    lines: z.array(
      z.object({
        channelLineId: z.string(),
        sku: z.string().nullable(),
        title: z.string().nullable(),
        quantity: z.number(),
        quantityToShip: z.number().describe('0 for lines left out (OD-6) or removed on the store'),
        productId: z.string().uuid().nullable(),
      }),
    ),
    shipments: z.array(storedShipment),
    live: orderView.nullable().describe("the workflow's state; null when it cannot answer (not started, purged, Temporal unreachable)"),
  })
  .meta({ id: 'Order' });

/** O-3: what the WMS posts for one package. The same wmsShipmentId twice has no effect. */
export const shipmentPostedBody = z
  .object({
    wmsShipmentId: z.string().trim().min(1, 'must not be empty').max(200, 'at most 200 characters'),
    carrier: z.string().trim().min(1, 'must not be empty (send null when unknown)').nullable().default(null),
    service: z.string().trim().min(1, 'must not be empty (send null when unknown)').nullable().default(null),
    trackingNumbers: z
      .array(z.string().trim().min(1, 'must not be empty'))
      .min(1, 'at least one tracking number: the store needs one to tell the customer where the parcel is'),
    trackingUrl: z.url({ protocol: /^https?$/, error: 'expected an http(s) URL' }).nullable().default(null),
    shippedAt: isoDateTime,
    lines: z
      .array(z.object({ sku: z.string().trim().min(1, 'must not be empty'), quantity: z.number().int('expected a whole number').positive('must be at least 1') }).strict())
      .min(1, 'a shipment ships at least one line'),
  })
  .strict()
  .meta({ id: 'ShipmentPosted' });

const reimportBody = z
  .object({
    connectionId: z.string().uuid('expected a connection id (uuid)'),
    channelOrderIds: z
      .array(z.string().trim().min(1, 'must not be empty').max(200, 'at most 200 characters'))
      .min(1, 'list at least one order id')
      .max(250, 'at most 250 orders per request; use updatedFrom/updatedTo for more')
      .optional()
      .describe("the store's order ids, as `GET /v1/orders` shows them (Shopify: gid://shopify/Order/…)"),
    updatedFrom: isoDateTime.optional(),
    updatedTo: isoDateTime.optional(),
  })
  .strict()
  .superRefine((body, ctx) => {
    const byRange = body.updatedFrom !== undefined || body.updatedTo !== undefined;
    if (body.channelOrderIds && byRange) {
      ctx.addIssue({ code: 'custom', path: ['channelOrderIds'], message: 'give either channelOrderIds or updatedFrom/updatedTo, not both' });
    } else if (!body.channelOrderIds && !byRange) {
      ctx.addIssue({ code: 'custom', path: ['channelOrderIds'], message: 'give channelOrderIds, or updatedFrom and updatedTo' });
    } else if (byRange) {
      if (!body.updatedFrom) ctx.addIssue({ code: 'custom', path: ['updatedFrom'], message: 'required with updatedTo' });
      if (!body.updatedTo) ctx.addIssue({ code: 'custom', path: ['updatedTo'], message: 'required with updatedFrom' });
      if (body.updatedFrom && body.updatedTo && Date.parse(body.updatedFrom) >= Date.parse(body.updatedTo)) {
        ctx.addIssue({ code: 'custom', path: ['updatedTo'], message: 'must be after updatedFrom' });
      }
    }
  })
  .meta({ id: 'ReimportRequest' });

const startedWorkflow = z.object({ channelOrderId: z.string().nullable(), workflowId: z.string(), webUiUrl: z.string() });

export const orderRoutes: FastifyPluginAsyncZod<ApiDependencies> = async (app, deps) => {
  const { db, temporal } = deps;
  const handleOf = (row: OrderRow) => temporal.workflow.getHandle(workflowIds.order(row.connectionId, row.channelOrderId));

  async function orderOf(id: string): Promise<OrderRow> {
    const row = await findOrder(db, id);
    if (!row) throw new ApiError(404, 'not_found', `no order ${id}`);
    return row;
  }

  function present(row: OrderRow): z.infer<typeof orderSummary> {
    const workflowId = workflowIds.order(row.connectionId, row.channelOrderId);
    return {
      id: row.id,
      connectionId: row.connectionId,
      channelOrderId: row.channelOrderId,
      orderNumber: row.orderNumber,
      status: row.status,
      holdReason: row.holdReason,
      releasedAt: row.releasedAt,
      updatedAt: row.updatedAt,
      workflowId,
      webUiUrl: workflowUrl(deps, workflowId),
    };
  }

  async function liveView(row: OrderRow): Promise<OrderView | null> {
    return temporal.connection.withDeadline(Date.now() + LIVE_QUERY_DEADLINE_MS, () => handleOf(row).query(orderStateQuery)).catch(() => null);
  }

  /** The order's workflow is gone: say why, from what the database knows. */
  function workflowGone(row: OrderRow): () => Promise<never> {
    return async () => {
      if (isTerminal(row.status)) throw new ApiError(409, 'order_closed', `order ${row.orderNumber} is ${row.status}; its workflow has ended, so nothing about it can change any more`);
      if (!row.workflowStartedAt) throw new ApiError(409, 'workflow_not_started', `order ${row.orderNumber} has no workflow yet (its import is being retried); try again shortly`);
      throw new ApiError(409, 'workflow_not_found', `the workflow of order ${row.orderNumber} was not found; re-import the order to recreate it`);
    };
  }

  async function recordedShipment(row: OrderRow, wmsShipmentId: string): Promise<ShipmentView | undefined> {
    const stored = (await shipmentsOfOrder(db, row.id)).find((s) => s.shipment.wmsShipmentId === wmsShipmentId)?.shipment;
    return stored && { wmsShipmentId: stored.wmsShipmentId, status: stored.status, message: stored.statusMessage, channelFulfillmentId: stored.channelFulfillmentId };
  }

  app.get(
    '/orders',
    {
      schema: {
        tags: ['orders'],
        summary: 'Orders, oldest change first; a WMS without webhooks pulls released orders with status=open&updatedSince=… (O-1)',
        description:
          'updatedSince is inclusive: pass the newest updatedAt you processed and dedupe by id. Pages: pass nextAfter back as `after` with the same filters.',
        security,
        querystring: z.object({
          status: orderStatus.optional(),
          connectionId: z.string().uuid('expected a connection id (uuid)').optional(),
          updatedSince: isoDateTime.optional(),
          orderNumber: z.string().trim().min(1, 'must not be empty').max(100).optional(),
          limit: pageLimit,
          after: cursorParam(z.string().uuid()).optional(),
        }),
        response: { 200: z.object({ orders: z.array(orderSummary), nextAfter: z.string().nullable() }), 400: errorBody },
      },
    },
    async (request) => {
      const { updatedSince, ...filter } = request.query;
      const rows = await listOrders(db, { ...filter, updatedSince: updatedSince ? new Date(updatedSince) : undefined });
      return { orders: rows.map(present), nextAfter: nextAfter(rows, filter.limit) };
    },
  );

  app.get(
    '/orders/:id',
    {
      schema: {
        tags: ['orders'],
        summary: 'An order with its lines, shipments, customer data, workflow link and live workflow state',
        security,
        params: idParams,
        response: { 200: orderDetail, 400: errorBody, 404: errorBody },
      },
    },
    async (request) => {
      const row = await orderOf(request.params.id);
      const [lines, shipments, live] = await Promise.all([linesOfOrder(db, row.id), shipmentsOfOrder(db, row.id), liveView(row)]);
      return {
        ...present(row),
        origin: row.origin,
        financialStatus: row.financialStatus,
        fulfillmentStatus: row.fulfillmentStatus,
        tags: row.tags,
        channelCreatedAt: row.channelCreatedAt,
        channelUpdatedAt: row.channelUpdatedAt,
        wmsStartedAt: row.wmsStartedAt,
        terminalAt: row.terminalAt,
        createdAt: row.createdAt,
        customer: {
          name: row.customerName,
          email: row.customerEmail,
          phone: row.customerPhone,
          shippingAddress: row.shippingAddress as Record<string, unknown> | null,
          purgedAt: row.piiPurgedAt,
        },
        lines: lines.map((l) => ({ channelLineId: l.channelLineId, sku: l.sku, title: l.title, quantity: l.quantity, quantityToShip: l.quantityToShip, productId: l.productId })),
        shipments: shipments.map(({ shipment: s, lines: shipped }) => ({
          wmsShipmentId: s.wmsShipmentId,
          status: s.status,
          statusMessage: s.statusMessage,
          carrier: s.carrier,
          service: s.service,
          trackingNumbers: s.trackingNumbers,
          trackingUrl: s.trackingUrl,
          shippedAt: s.shippedAt,
          sentAt: s.sentAt,
          channelFulfillmentId: s.channelFulfillmentId,
          lines: shipped.map((l) => ({ sku: l.sku, quantity: l.quantity })),
        })),
        live,
      };
    },
  );

  app.post(
    '/orders',
    {
      schema: {
        tags: ['orders'],
        summary: 'Record an order created in the WMS (O-4): it gets a workflow and takes shipments, which are recorded but never sent to the store',
        description: 'Idempotent by (connectionId, orderNumber): a repeat answers 200 with the stored order.',
        security,
        body: z
          .object({
            connectionId: z.string().uuid('expected a connection id (uuid)'),
            orderNumber: z.string().trim().min(1, 'must not be empty').max(100),
            customerName: z.string().max(300).nullable().default(null),
            email: z.string().max(300).nullable().default(null),
            phone: z.string().max(100).nullable().default(null),
            shippingAddress: wmsAddressSchema.nullable().default(null),
            lines: z
              .array(z.object({ sku: z.string().trim().min(1, 'must not be empty'), title: z.string().max(500).nullable().default(null), quantity: z.number().int().positive() }).strict())
              .min(1, 'an order needs at least one line')
              .max(500),
          })
          .strict(),
        response: { 200: orderSummary, 201: orderSummary, 400: errorBody, 404: errorBody, 409: errorBody, 503: errorBody },
      },
    },
    async (request, reply) => {
      const body = request.body;
      const connection = await liveConnectionRowOf(db, body.connectionId);
      const known = await findProductsBySku(db, connection.clientCode, body.lines.map((l) => l.sku));
      const { row, created } = await insertManualOrder(db, {
        connectionId: connection.id,
        orderNumber: body.orderNumber,
        customerName: body.customerName,
        customerEmail: body.email,
        customerPhone: body.phone,
        shippingAddress: body.shippingAddress,
        lines: body.lines.map((l) => ({ ...l, productId: known.get(l.sku)?.id ?? null })),
      });
      await callTemporal(`the workflow of order ${row.orderNumber} was not started`, () =>
        signalOrderWorkflow(
          temporal,
          { taskQueue: deps.taskQueue, channel: connection.channel, storeName: storeNameOf(connection), input: manualOrderInput(row) },
          { channelUpdatedAt: row.channelUpdatedAt.toISOString(), change: { type: 'changed', awaitingPayment: false, fieldsChanged: false } },
        ),
      );
      if (!row.workflowStartedAt) await markWorkflowStarted(db, row.id);
      return reply.code(created ? 201 : 200).send(present(row));
    },
  );

  app.post(
    '/orders/:id/events',
    {
      schema: {
        tags: ['orders'],
        summary: 'WMS progress (O-2): started, picked or packed; lines_changed (O-4) when the WMS edited the lines. Refused (409) when the order was not released or is closed',
        security,
        params: idParams,
        body: z.object({ type: z.enum(WMS_PROGRESS_TYPES) }).strict(),
        response: { 200: orderView, 400: errorBody, 404: errorBody, 409: errorBody },
      },
    },
    async (request) => {
      const row = await orderOf(request.params.id);
      return runUpdate(`progress of order ${row.orderNumber}`, () => handleOf(row).executeUpdate(wmsProgressUpdate, { args: [request.body] }), {
        onNotFound: workflowGone(row),
      });
    },
  );

  app.post(
    '/orders/:id/shipments',
    {
      schema: {
        tags: ['orders'],
        summary: 'Post a WMS shipment (O-3); it is sent to the store at once (S-1). The same wmsShipmentId twice changes nothing',
        description: 'Always 202: the body says the shipment\'s status (pending until the store answers; then sent, not_eligible, rejected or failed).',
        security,
        params: idParams,
        body: shipmentPostedBody,
        response: { 202: shipmentView, 400: errorBody, 404: errorBody, 409: errorBody },
      },
    },
    async (request, reply) => {
      const row = await orderOf(request.params.id);
      const shipment = request.body;
      const view = await runUpdate(
        `shipment ${shipment.wmsShipmentId} of order ${row.orderNumber}`,
        // The update id makes a repeated POST the same update, not a second one in the order's history.
        () => handleOf(row).executeUpdate(postShipmentUpdate, { args: [shipment], updateId: `shipment:${shipment.wmsShipmentId}` }),
        // A repeat after the order closed (the last shipment shipped it) still answers (O-3).
        { onNotFound: async () => (await recordedShipment(row, shipment.wmsShipmentId)) ?? workflowGone(row)() },
      );
      // Temporal answers a repeated update id with the first answer (pending); the outcome recorded since is newer.
      const recorded = view.status === 'pending' ? await recordedShipment(row, shipment.wmsShipmentId) : undefined;
      return reply.status(202).send(recorded && recorded.status !== 'pending' ? recorded : view);
    },
  );

  app.post(
    '/orders/:id/release',
    {
      schema: {
        tags: ['orders'],
        summary: 'Release a hold (O-7); an order still awaiting payment goes back to waiting for it (OD-4)',
        security,
        params: idParams,
        // No body, or an empty object: there is nothing to say beyond the token that releases it.
        body: z.object({}).strict().nullish(),
        response: { 200: orderView, 400: errorBody, 404: errorBody, 409: errorBody },
      },
    },
    async (request) => {
      const row = await orderOf(request.params.id);
      return runUpdate(`release of order ${row.orderNumber}`, () => handleOf(row).executeUpdate(releaseHoldUpdate, { args: [{ by: actorOf(request) }] }), {
        onNotFound: workflowGone(row),
      });
    },
  );

  app.post(
    '/orders/:id/cancel',
    {
      schema: {
        tags: ['orders'],
        summary: 'Cancel (O-7): the WMS is told when it had the order; never sent to the store (O-5)',
        security,
        params: idParams,
        body: z.object({ reason: z.string().trim().min(1, 'say why, for the order log').max(500, 'at most 500 characters') }).strict(),
        response: { 200: orderView, 400: errorBody, 404: errorBody, 409: errorBody },
      },
    },
    async (request) => {
      const row = await orderOf(request.params.id);
      return runUpdate(
        `cancellation of order ${row.orderNumber}`,
        () => handleOf(row).executeUpdate(cancelOrderUpdate, { args: [{ by: actorOf(request), reason: request.body.reason }] }),
        { onNotFound: workflowGone(row) },
      );
    },
  );

  app.post(
    '/orders/:id/shipments/:wmsShipmentId/resend',
    {
      schema: {
        tags: ['orders'],
        summary: 'Send a rejected or failed shipment to the store again, after a fix there (O-7, S-5)',
        security,
        params: idParams.extend({ wmsShipmentId: z.string().min(1).max(200, 'at most 200 characters') }),
        response: { 202: shipmentView, 400: errorBody, 404: errorBody, 409: errorBody },
      },
    },
    async (request, reply) => {
      const row = await orderOf(request.params.id);
      const { wmsShipmentId } = request.params;
      const view = await runUpdate(
        `re-send of shipment ${wmsShipmentId}`,
        () => handleOf(row).executeUpdate(resendShipmentUpdate, { args: [{ wmsShipmentId, by: actorOf(request) }] }),
        { onNotFound: workflowGone(row) },
      );
      return reply.status(202).send(view);
    },
  );

  app.post(
    '/orders/reimport',
    {
      schema: {
        tags: ['orders'],
        summary: 'Re-read orders from the store (OD-11): up to 250 by id, or every order changed in a date range; never duplicates',
        description: 'By ids, each order gets a refresh workflow. A range runs the reconciliation workflow of the connection; 409 while one runs.',
        security,
        body: reimportBody,
        response: { 202: z.object({ connectionId: z.string().uuid(), workflows: z.array(startedWorkflow) }), 400: errorBody, 404: errorBody, 409: errorBody, 503: errorBody },
      },
    },
    async (request, reply) => {
      const body = request.body;
      const connection = await liveConnectionRowOf(db, body.connectionId);
      const started = (channelOrderId: string | null, workflowId: string) => ({ channelOrderId, workflowId, webUiUrl: workflowUrl(deps, workflowId) });
      if (body.channelOrderIds) {
        const ids = [...new Set(body.channelOrderIds)];
        const workflows: z.infer<typeof startedWorkflow>[] = [];
        for (let i = 0; i < ids.length; i += REFRESH_BURST) {
          const burst = ids.slice(i, i + REFRESH_BURST).map(async (channelOrderId) => {
            const workflowId = await callTemporal('re-import', () =>
              requestOrderRefresh(temporal, { taskQueue: deps.taskQueue, connectionId: connection.id, channelOrderId, source: actorOf(request) }),
            );
            return started(channelOrderId, workflowId);
          });
          workflows.push(...(await Promise.all(burst)));
        }
        return reply.status(202).send({ connectionId: connection.id, workflows });
      }
      const updatedFrom = new Date(body.updatedFrom!).toISOString();
      const updatedTo = new Date(body.updatedTo!).toISOString();
      const workflowId = workflowIds.ordersReconcile(connection.id);
      const storeName = connection.displayName ?? connection.storeName ?? connection.id;
      try {
        await callTemporal('re-import', () =>
          temporal.workflow.start<typeof ordersDownloadWorkflow>(workflowTypes.ordersDownload, {
            workflowId,
            taskQueue: deps.taskQueue,
            args: [{ connectionId: connection.id, mode: { kind: 'range', updatedFrom, updatedTo } }],
            // One reconciliation of a connection at a time; its id is reused run after run.
            workflowIdConflictPolicy: 'FAIL',
            workflowIdReusePolicy: WorkflowIdReusePolicy.ALLOW_DUPLICATE,
            typedSearchAttributes: new TypedSearchAttributes([
              { key: searchAttributes.connectionId, value: connection.id },
              { key: searchAttributes.channel, value: connection.channel },
              { key: searchAttributes.storeName, value: storeName },
            ]),
            staticSummary: `Order re-sync ${updatedFrom} – ${updatedTo} of ${storeName} (${actorOf(request)})`,
          }),
        );
      } catch (error) {
        if (error instanceof WorkflowExecutionAlreadyStartedError) {
          throw new ApiError(409, 'conflict', `a reconciliation of connection ${connection.id} is running; try again when it has finished (${workflowUrl(deps, workflowId)})`);
        }
        throw error;
      }
      return reply.status(202).send({ connectionId: connection.id, workflows: [started(null, workflowId)] });
    },
  );
};
