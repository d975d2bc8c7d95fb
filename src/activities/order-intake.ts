// One channel order in (SPEC §5): the path the poll, the nightly reconciliation, webhooks and
// manual re-imports all share. A first-seen order is decided (OD-3 … OD-9), stored with its lines
// and its workflow started; a known one is compared with what is stored (OD-1 dedupe, OD-8, O-5)
// and only a real change reaches its workflow, so re-reading an unchanged order adds nothing to
// any history (N-4). Problems of one order land in the error queue (OD-10).
import type { Client } from '@temporalio/client';
import type { Logger } from 'pino';
import { isChannelError, type ChannelAdapter, type ChannelOrder } from '../channels';
import type { Database } from '../db/client';
import type { ConnectionRow } from '../db/repositories/connections';
import { recordEvent, resolveEventGroups } from '../db/repositories/integration-events';
import { findOrderByChannelId, insertImportedOrder, linesOfOrder, markWorkflowStarted, recordChannelVersion, recordOwnWrite, type OrderRow } from '../db/repositories/orders';
import { markProductsDirty } from '../db/repositories/inventory';
import { createMissingProducts, findProductsBySku } from '../db/repositories/products';
import type { ChannelOrderChange, OrderWorkflowInput } from '../definitions';
import type { ConnectionSettings } from '../domain/connection-settings';
import { decideIntake, decideUpdate, isAwaitingPayment, sameTag, type HoldReason, type ImportStatus, type IntakeLine, type StoredOrder } from '../domain/orders';
import { signalOrderWorkflow } from '../temporal/order-workflows';

export type IntakeOutcome = 'imported' | 'updated' | 'unchanged' | 'skipped' | 'failed';

export interface IntakeDeps {
  db: Database;
  temporal: Client;
  taskQueue: string;
  log: Logger;
  inventoryCoalesceMs?: number;
}

export interface ConnectionIntake {
  connection: ConnectionRow;
  settings: ConnectionSettings;
  storeName: string;
  adapter: ChannelAdapter;
  /** I-1: whether a store of the client syncs inventory (read once per call): only then do orders mark listings. */
  clientSyncsInventory: boolean;
  /** I-1: connections whose listings this intake marked dirty; the caller wakes their inventory loops once for all. */
  inventoryToWake: Set<string>;
}

/** Error-queue keys (E-2): one open entry per order and cause, counted instead of repeated. */
export const intakeGroupKeys = {
  importError: (connectionId: string, channelOrderId: string) => `orders:import-error:${connectionId}:${channelOrderId}`,
  skipped: (connectionId: string, channelOrderId: string) => `orders:skipped:${connectionId}:${channelOrderId}`,
  notApplied: (orderId: string) => `orders:not-applied:${orderId}`,
  tagFailed: (connectionId: string) => `orders:tag-failed:${connectionId}`,
};

/** Our own tags (OD-12) are not a change of the order: tagging it must not look like an edit. */
function withoutOwnTags(order: ChannelOrder, settings: ConnectionSettings): ChannelOrder {
  const own = [settings.tagAfterImport, settings.errorTag].filter((t): t is string => t !== null);
  return { ...order, tags: order.tags.filter((tag) => !own.some((o) => sameTag(o, tag))) };
}

const productFieldsFor = (line: IntakeLine) => ({ name: line.title || line.sku, description: '', upc: null, price: null, imageUrls: [] });

export function createOrderIntake(deps: IntakeDeps) {
  const { db } = deps;

  /** OD-6: SKUs → product ids, creating the missing ones when the decision says so. */
  async function productIds(connection: ConnectionRow, lines: readonly IntakeLine[], create: readonly string[]): Promise<Map<string, string>> {
    const wanted = lines.filter((l) => create.includes(l.sku));
    const created = await createMissingProducts(db, connection.clientCode, wanted.map((l) => ({ sku: l.sku, fields: productFieldsFor(l) })));
    const known = await findProductsBySku(db, connection.clientCode, lines.map((l) => l.sku));
    return new Map([...known, ...created.bySku].map(([sku, row]) => [sku, row.id]));
  }

  function workflowInput(ctx: ConnectionIntake, row: OrderRow, awaitingPayment: boolean): OrderWorkflowInput {
    return {
      orderId: row.id,
      connectionId: row.connectionId,
      channelOrderId: row.channelOrderId,
      orderNumber: row.orderNumber,
      status: row.status as ImportStatus,
      holdReason: row.holdReason as HoldReason | null,
      awaitingPayment,
      pendingPaymentWarnHours: ctx.settings.maxPendingPaymentHours,
    };
  }

  async function signal(ctx: ConnectionIntake, row: OrderRow, channelUpdatedAt: string, change: ChannelOrderChange, awaitingPayment: boolean) {
    const result = await signalOrderWorkflow(
      deps.temporal,
      { taskQueue: deps.taskQueue, channel: ctx.connection.channel, storeName: ctx.storeName, input: workflowInput(ctx, row, awaitingPayment) },
      { channelUpdatedAt, change },
    );
    if (!row.workflowStartedAt) await markWorkflowStarted(db, row.id);
    return result;
  }

  /** I-1: marked now, with the order stored, so a crash before the wake-up loses no mark. */
  async function reservationsChanged(ctx: ConnectionIntake, productIds: readonly string[]): Promise<void> {
    if (!ctx.clientSyncsInventory) return;
    for (const connectionId of await markProductsDirty(db, productIds)) ctx.inventoryToWake.add(connectionId);
  }

  /** OD-12. `orderId`: the stored order, whose version moves past our own write (not a change to act on). */
  async function tag(ctx: ConnectionIntake, channelOrderId: string, tagName: string | null, orderId?: string): Promise<void> {
    if (!tagName || !ctx.adapter.tagOrder) return;
    try {
      const { updatedAt } = await ctx.adapter.tagOrder(channelOrderId, [tagName]);
      if (orderId && updatedAt) await recordOwnWrite(db, orderId, new Date(updatedAt));
    } catch (error) {
      if (!isChannelError(error) || error.kind === 'auth') throw error;
      // A missing tag is cosmetic: the order is in; say so once per connection, not per order.
      await recordEvent(db, {
        connectionId: ctx.connection.id,
        stream: 'orders',
        entityType: 'order',
        entityId: channelOrderId,
        severity: 'warning',
        category: error.kind === 'data' ? 'data' : 'transient',
        code: 'order_tag_failed',
        message: `could not tag orders with "${tagName}" on the store: ${error.message}`,
        groupKey: intakeGroupKeys.tagFailed(ctx.connection.id),
      });
    }
  }

  async function importNew(ctx: ConnectionIntake, order: ChannelOrder): Promise<IntakeOutcome> {
    const { connection, settings } = ctx;
    const skus = order.lines.map((l) => l.sku?.trim()).filter((s): s is string => !!s);
    const known = await findProductsBySku(db, connection.clientCode, skus);
    const decision = decideIntake(order, settings, { now: new Date(), knownSkus: new Set(known.keys()) });
    if (decision.action === 'skip') {
      await recordEvent(db, {
        connectionId: connection.id,
        stream: 'orders',
        entityType: 'order',
        entityId: order.channelOrderId,
        severity: 'info',
        code: 'order_skipped',
        message: decision.message,
        details: { reason: decision.reason, orderNumber: order.orderNumber, ...(decision.tag ? { tag: decision.tag } : {}) },
        groupKey: intakeGroupKeys.skipped(connection.id, order.channelOrderId),
      });
      return 'skipped';
    }
    if (decision.action === 'error') {
      await recordImportError(ctx, order, decision.message, 'data', decision.code);
      return 'failed';
    }
    const ids = await productIds(connection, [...decision.lines, ...decision.omittedLines], decision.createProducts);
    const line = (l: IntakeLine, released: boolean) => ({ ...l, productId: ids.get(l.sku) ?? null, released });
    const row = await insertImportedOrder(db, {
      connectionId: connection.id,
      channelOrderId: order.channelOrderId,
      orderNumber: order.orderNumber,
      status: decision.status,
      holdReason: decision.holdReason,
      financialStatus: order.financialStatus,
      fulfillmentStatus: order.fulfillmentStatus,
      locationId: order.locationIds[0] ?? null,
      tags: order.tags,
      channelUpdatedAt: new Date(order.updatedAt),
      channelCreatedAt: new Date(order.createdAt),
      customerName: order.customerName ?? order.shippingAddress?.name ?? null,
      customerEmail: order.email,
      customerPhone: order.shippingAddress?.phone ?? null,
      shippingAddress: order.shippingAddress,
      lines: [...decision.lines.map((l) => line(l, true)), ...decision.omittedLines.map((l) => line(l, false))],
    });
    // Someone else (a webhook beside the poll) stored it first: treat it as a known order.
    if (!row) return updateKnown(ctx, order, (await findOrderByChannelId(db, connection.id, order.channelOrderId))!);
    const awaitingPayment = isAwaitingPayment(order.financialStatus);
    await reservationsChanged(ctx, decision.lines.flatMap((l) => ids.get(l.sku) ?? []));
    await signal(ctx, row, order.updatedAt, { type: 'changed', awaitingPayment, fieldsChanged: false }, awaitingPayment);
    await resolveEventGroups(db, [intakeGroupKeys.importError(connection.id, order.channelOrderId), intakeGroupKeys.skipped(connection.id, order.channelOrderId)]);
    if (decision.holdReasons.length > 0 || decision.omittedLines.length > 0) await recordIntakeNotes(ctx, row, decision.holdReasons, decision.omittedLines);
    await tag(ctx, order.channelOrderId, settings.tagAfterImport, row.id);
    return 'imported';
  }

  async function recordIntakeNotes(ctx: ConnectionIntake, row: OrderRow, holds: readonly HoldReason[], omitted: readonly IntakeLine[]): Promise<void> {
    const parts: string[] = [];
    if (holds.length > 0) parts.push(`held (${holds.join(', ')}): release it with \`storelink orders release ${row.id}\` once resolved`);
    if (omitted.length > 0) parts.push(`lines without a product were left out: ${omitted.map((l) => l.sku).join(', ')}`);
    await recordEvent(db, {
      connectionId: ctx.connection.id,
      stream: 'orders',
      entityType: 'order',
      entityId: row.id,
      severity: 'warning',
      category: 'data',
      code: holds.length > 0 ? 'order_held' : 'order_partial',
      message: `order ${row.orderNumber} ${parts.join('; ')}`,
      details: { holdReasons: holds, omittedSkus: omitted.map((l) => l.sku) },
    });
  }

  async function storedView(row: OrderRow): Promise<StoredOrder> {
    const lines = (await linesOfOrder(db, row.id)).filter((l) => l.quantity > 0);
    return {
      orderNumber: row.orderNumber,
      status: row.status,
      holdReason: row.holdReason as HoldReason | null,
      tags: row.tags,
      customerName: row.customerName,
      shippingAddress: row.shippingAddress as StoredOrder['shippingAddress'],
      lines: lines.map((l) => ({ channelLineId: l.channelLineId, sku: l.sku, quantity: l.quantity })),
      channelUpdatedAt: row.channelUpdatedAt,
      ...(row.financialStatus ? { financialStatus: row.financialStatus as StoredOrder['financialStatus'] } : {}),
    };
  }

  async function updateKnown(ctx: ConnectionIntake, order: ChannelOrder, row: OrderRow): Promise<IntakeOutcome> {
    const { connection, settings } = ctx;
    const awaitingPayment = isAwaitingPayment(order.financialStatus);
    const resume = !row.workflowStartedAt; // stored by a run that died before starting its workflow
    const decision = decideUpdate(await storedView(row), order, settings);
    if (decision.action === 'ignore_duplicate') {
      if (resume) await signal(ctx, row, row.channelUpdatedAt.toISOString(), { type: 'changed', awaitingPayment, fieldsChanged: false }, awaitingPayment);
      return 'unchanged';
    }
    const base = { channelUpdatedAt: new Date(order.updatedAt), financialStatus: order.financialStatus, fulfillmentStatus: order.fulfillmentStatus };
    let write: Parameters<typeof recordChannelVersion>[2] = base;
    if (decision.action === 'apply') {
      const { lines, ...fields } = decision.changes;
      let linesWrite;
      if (lines) {
        const resolved = lines.filter((l): l is typeof l & { sku: string } => l.sku !== null);
        const ids = await productIds(connection, resolved, settings.downloadProducts || settings.missingProductPolicy === 'create' ? resolved.map((l) => l.sku) : []);
        linesWrite = resolved.map((l) => ({ ...l, productId: ids.get(l.sku) ?? null }));
        // I-1: both the old and the new lines' products reserve differently now.
        await reservationsChanged(ctx, [...(await linesOfOrder(db, row.id)), ...linesWrite].flatMap((l) => l.productId ?? []));
      }
      write = { ...base, ...fields, ...(linesWrite ? { lines: linesWrite } : {}) };
    }
    if (!(await recordChannelVersion(db, row.id, write))) return 'unchanged'; // a racing reader recorded it
    switch (decision.action) {
      case 'cancel':
      case 'cancel_requested':
        await signal(ctx, row, order.updatedAt, { type: 'cancelled' }, awaitingPayment);
        return 'updated';
      case 'apply': {
        const fieldsChanged = Object.keys(decision.changes).length > 0;
        const change: ChannelOrderChange =
          decision.newStatus === undefined
            ? { type: 'changed', awaitingPayment, fieldsChanged }
            : { type: 'changed', status: decision.newStatus, holdReason: decision.holdReason ?? null, awaitingPayment, fieldsChanged };
        await signal(ctx, row, order.updatedAt, change, awaitingPayment);
        return 'updated';
      }
      case 'warn_not_applied':
        await recordEvent(db, {
          connectionId: connection.id,
          stream: 'orders',
          entityType: 'order',
          entityId: row.id,
          severity: 'warning',
          category: 'data',
          code: 'changes_not_applied',
          message: decision.message,
          details: { fields: decision.changes, channelUpdatedAt: order.updatedAt },
          groupKey: intakeGroupKeys.notApplied(row.id),
        });
        if (resume) await signal(ctx, row, order.updatedAt, { type: 'changed', awaitingPayment, fieldsChanged: false }, awaitingPayment);
        return 'updated';
      case 'ignore':
        if (resume) await signal(ctx, row, order.updatedAt, { type: 'changed', awaitingPayment, fieldsChanged: false }, awaitingPayment);
        return 'unchanged';
    }
  }

  /** OD-10: the order goes to the error queue (once, counted), the store gets the error tag, the run moves on. */
  async function recordImportError(ctx: ConnectionIntake, order: ChannelOrder, message: string, category: 'data' | 'permanent', code: string): Promise<void> {
    await recordEvent(db, {
      connectionId: ctx.connection.id,
      stream: 'orders',
      entityType: 'order',
      entityId: order.channelOrderId,
      severity: 'error',
      category,
      code,
      message: `order ${order.orderNumber} was not imported: ${message}`,
      details: { channelOrderId: order.channelOrderId, orderNumber: order.orderNumber },
      groupKey: intakeGroupKeys.importError(ctx.connection.id, order.channelOrderId),
    });
    await tag(ctx, order.channelOrderId, ctx.settings.errorTag);
  }

  return {
    /** Takes one order as read from the channel. Channel problems specific to this order go to the error queue; others (auth, throttling, the database) propagate so the call is retried. */
    async takeOrder(ctx: ConnectionIntake, channelOrder: ChannelOrder): Promise<IntakeOutcome> {
      const order = withoutOwnTags(channelOrder, ctx.settings);
      try {
        const row = await findOrderByChannelId(db, ctx.connection.id, order.channelOrderId);
        return row ? await updateKnown(ctx, order, row) : await importNew(ctx, order);
      } catch (error) {
        if (isChannelError(error) && (error.kind === 'data' || error.kind === 'permanent')) {
          await recordImportError(ctx, order, error.message, error.kind, 'order_import_failed');
          return 'failed';
        }
        throw error;
      }
    },
  };
}

export type OrderIntake = ReturnType<typeof createOrderIntake>;
