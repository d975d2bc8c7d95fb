// orderWorkflow (SPEC §6), id `order:{connectionId}:{channelOrderId}`: one per imported order, from
// import to shipped or cancelled. It waits for payment, holds, the WMS and shipments on signals,
// updates and one timer (the pending-payment warning), never polling (O-6). Handlers only change
// state and queue work; the main loop does every activity in order, so an order never runs two
// steps at once. It carries ids and statuses only: customer data stays in the database.
import {
  allHandlersFinished,
  ApplicationFailure,
  condition,
  continueAsNew,
  log,
  proxyActivities,
  setCurrentDetails,
  setHandler,
  upsertSearchAttributes,
  workflowInfo,
} from '@temporalio/workflow';
import {
  cancelOrderUpdate,
  channelOrderChangedSignal,
  type OrderView,
  type OrderWorkflowInput,
  orderStateQuery,
  postShipmentUpdate,
  releaseHoldUpdate,
  resendShipmentUpdate,
  searchAttributes,
  type ShipmentPosted,
  type ShipmentView,
  WMS_PROGRESS_TYPES,
  wmsProgressUpdate,
  type WmsProgressType,
} from '../definitions';
import { isNotStarted, isTerminal, transition, type OrderEvent } from '../domain/order-status';
import type { OrderActivities, OrderEventNote, ShipmentOutcome } from '../activities/orders';
import { tellConnectionCredentialsRejected } from './connection-signals';

// Status writes and WMS notices retry until they land (O-1 at-least-once); a WMS that refuses a
// payload fails the call as non-retryable and the order records it for ops.
const wms = proxyActivities<OrderActivities>({
  startToCloseTimeout: '1 minute',
  retry: { initialInterval: '1 second', backoffCoefficient: 2, maximumInterval: '5 minutes' },
});
// S-5: transient channel failures and throttling retry with backoff for days; the activity itself
// turns permanent refusals into a `rejected`/`failed` outcome with a re-send action. It heartbeats
// while it runs, so a worker killed mid-call has its shipment retried elsewhere within seconds (S-1,
// S-2). Replay checks only an activity's id and type, so these options need no patch.
const channel = proxyActivities<OrderActivities>({
  startToCloseTimeout: '2 minutes',
  heartbeatTimeout: '10 seconds',
  scheduleToCloseTimeout: '7 days',
  retry: { initialInterval: '2 seconds', backoffCoefficient: 2, maximumInterval: '1 hour' },
});

const WMS_PROGRESS = { started: 'wms_started', picked: 'wms_picked', packed: 'wms_packed' } as const;

interface QueuedShipment {
  shipment: ShipmentPosted;
  resend: boolean;
}

export async function orderWorkflow(input: OrderWorkflowInput): Promise<OrderView> {
  const view: OrderView = input.carried ?? {
    orderId: input.orderId,
    connectionId: input.connectionId,
    orderNumber: input.orderNumber,
    status: input.status,
    holdReason: input.holdReason,
    awaitingPayment: input.awaitingPayment,
    // An order made in the WMS is there already: nothing to release (O-4).
    released: input.origin === 'wms_manual',
    channelUpdatedAt: null,
    shipments: [],
  };
  /** What the database and the search attribute last showed; the loop writes when the view moves. */
  let recorded = input.carried ? { status: view.status, holdReason: view.holdReason } : null;
  const notes: OrderEventNote[] = [];
  const shipmentQueue: QueuedShipment[] = [];
  /** Shipment bodies by WMS id, for re-sends (kept in history only as long as this run). */
  const shipmentBodies = new Map<string, ShipmentPosted>();
  let wmsUpdateDue = false;
  let wmsToldCancelled = false;
  let pendingSince = view.status === 'pending_payment' ? new Date().getTime() : null;
  let paymentWarned = false;

  function publish(): void {
    setCurrentDetails(describeOrder(view));
  }

  /** Applies one status-machine event to the view; a refusal is a message for the caller. */
  function apply(event: OrderEvent): { ok: true; changed: boolean } | { ok: false; message: string } {
    const result = transition(view, event);
    if (!result.ok) return result;
    if (result.changed) {
      if (result.status === 'pending_payment' && view.status !== 'pending_payment') {
        pendingSince = new Date().getTime();
        paymentWarned = false;
      }
      view.status = result.status;
      view.holdReason = result.holdReason;
      publish();
    }
    return { ok: true, changed: result.changed };
  }

  function refuse(message: string): never {
    throw ApplicationFailure.create({ type: 'InvalidOrderAction', message, nonRetryable: true });
  }

  setHandler(orderStateQuery, () => view);

  setHandler(channelOrderChangedSignal, ({ channelUpdatedAt, change }) => {
    // OD-1: a version older than the one applied (reordered delivery) changes nothing; an equal
    // stamp is a change within the same second (the download path compared the contents).
    if (view.channelUpdatedAt !== null && Date.parse(channelUpdatedAt) < Date.parse(view.channelUpdatedAt)) return;
    view.channelUpdatedAt = channelUpdatedAt;
    if (change.type === 'cancelled') {
      const result = apply({ type: 'channel_cancelled' });
      if (result.ok && result.changed && view.status === 'cancel_requested') {
        notes.push({
          severity: 'error',
          category: 'data',
          code: 'cancel_requested',
          message: `order ${view.orderNumber} was cancelled on the store after the WMS started it: stop it in the warehouse, then cancel it here`,
        });
      }
      return;
    }
    // The download path decided against the stored order; the WMS may have started it since (OD-8).
    if (!isNotStarted(view.status)) return;
    view.awaitingPayment = change.awaitingPayment;
    if (change.status !== undefined && (change.status !== view.status || (change.holdReason ?? null) !== view.holdReason)) {
      view.status = change.status;
      view.holdReason = change.holdReason ?? null;
      if (view.status === 'pending_payment') pendingSince = new Date().getTime();
      publish();
    }
    if (change.fieldsChanged && view.released && view.status === 'open') wmsUpdateDue = true;
  });

  setHandler(
    wmsProgressUpdate,
    ({ type }) => {
      if (type === 'lines_changed') {
        if (!view.linesChangedInWms) {
          view.linesChangedInWms = true;
          notes.push({ severity: 'info', code: 'lines_changed_in_wms', message: `the WMS changed the lines of order ${view.orderNumber}: its shipments are recorded, not sent to the store (O-4)` });
        }
        return view;
      }
      apply({ type: WMS_PROGRESS[type] });
      return view;
    },
    {
      validator: ({ type }: { type: WmsProgressType }) => {
        if (type === 'lines_changed') {
          if (!view.released || isTerminal(view.status)) refuse(`order ${view.orderNumber} is ${view.status}${view.released ? '' : ' and not in the WMS'}: its lines cannot change there now`);
          return;
        }
        if (!Object.hasOwn(WMS_PROGRESS, type)) refuse(`unknown progress ${String(type)}: expected ${WMS_PROGRESS_TYPES.join(', ')}`);
        const result = transition(view, { type: WMS_PROGRESS[type] });
        if (!result.ok) refuse(result.message);
      },
    },
  );

  setHandler(
    postShipmentUpdate,
    (shipment) => {
      const known = view.shipments.find((s) => s.wmsShipmentId === shipment.wmsShipmentId);
      if (known) return known; // O-3: the same shipment twice has no effect
      const entry: ShipmentView = { wmsShipmentId: shipment.wmsShipmentId, status: 'pending', message: null, channelFulfillmentId: null };
      view.shipments.push(entry);
      shipmentBodies.set(shipment.wmsShipmentId, shipment);
      shipmentQueue.push({ shipment, resend: false });
      return entry;
    },
    {
      validator: (shipment) => {
        if (view.shipments.some((s) => s.wmsShipmentId === shipment.wmsShipmentId)) return;
        const result = transition(view, { type: 'shipment_posted', allLinesShipped: false });
        if (!result.ok) refuse(result.message);
      },
    },
  );

  setHandler(
    releaseHoldUpdate,
    ({ by }) => {
      const before = view.holdReason;
      apply({ type: 'hold_released', paymentPending: view.awaitingPayment });
      notes.push({ severity: 'info', code: 'hold_released', message: `hold ${before ?? ''} released by ${by}` });
      return view;
    },
    {
      validator: (_request) => {
        const result = transition(view, { type: 'hold_released', paymentPending: false });
        if (!result.ok) refuse(result.message);
      },
    },
  );

  setHandler(
    cancelOrderUpdate,
    ({ by, reason }) => {
      apply({ type: 'ops_cancelled' });
      notes.push({ severity: 'info', code: 'cancelled_by_ops', message: `order ${view.orderNumber} cancelled by ${by}: ${reason}` });
      return view;
    },
    {
      validator: (_request) => {
        const result = transition(view, { type: 'ops_cancelled' });
        if (!result.ok) refuse(result.message);
        if (view.status === 'cancelled') refuse(`order ${view.orderNumber} is already cancelled`);
      },
    },
  );

  setHandler(
    resendShipmentUpdate,
    ({ wmsShipmentId }) => {
      const entry = view.shipments.find((s) => s.wmsShipmentId === wmsShipmentId)!;
      entry.status = 'pending';
      entry.message = null;
      shipmentQueue.push({ shipment: shipmentBodies.get(wmsShipmentId)!, resend: true });
      return entry;
    },
    {
      validator: ({ wmsShipmentId }) => {
        const entry = view.shipments.find((s) => s.wmsShipmentId === wmsShipmentId);
        if (!entry) refuse(`order ${view.orderNumber} has no shipment ${wmsShipmentId}`);
        if (entry.status !== 'rejected' && entry.status !== 'failed') refuse(`shipment ${wmsShipmentId} is ${entry.status}; only rejected or failed shipments are re-sent`);
        if (!shipmentBodies.has(wmsShipmentId)) refuse(`shipment ${wmsShipmentId} was posted before this order's history was compacted: post it again from the WMS`);
      },
    },
  );

  // ---- the steps the loop runs

  async function recordStatus(): Promise<void> {
    const events = notes.splice(0);
    await wms.recordOrderStatus({ orderId: view.orderId, status: view.status, holdReason: view.holdReason, events, ...(view.linesChangedInWms ? { linesChangedInWms: true } : {}) });
    upsertSearchAttributes([{ key: searchAttributes.orderStatus, value: view.status }]);
    recorded = { status: view.status, holdReason: view.holdReason };
  }

  async function tellWms(event: 'order.released' | 'order.updated' | 'order.cancelled'): Promise<void> {
    // occurredAt is fixed here, so every retry of one notice sends the same body under the same key.
    const outcome = await wms.notifyWms({ orderId: view.orderId, event, version: view.channelUpdatedAt ?? 'initial', occurredAt: new Date().toISOString() });
    if (event === 'order.released' && outcome.delivered !== 'refused') {
      view.released = true;
      publish();
    }
    if (outcome.delivered === 'refused') log.warn('the WMS refused a notice', { event, orderId: view.orderId });
  }

  async function sendShipment({ shipment, resend }: QueuedShipment): Promise<void> {
    const outcome: ShipmentOutcome = await channel.sendShipmentInfo({ orderId: view.orderId, shipment, resend });
    const entry = view.shipments.find((s) => s.wmsShipmentId === shipment.wmsShipmentId)!;
    entry.status = outcome.status;
    entry.message = outcome.message;
    entry.channelFulfillmentId = outcome.channelFulfillmentId;
    if (!resend) apply({ type: 'shipment_posted', allLinesShipped: outcome.allLinesShipped });
    publish();
    if (outcome.credentialsRejected) await tellConnectionCredentialsRejected(view.connectionId, outcome.message ?? 'credentials rejected', 'shipment');
  }

  const wmsHasIt = () => view.released;
  const statusMoved = () => recorded === null || recorded.status !== view.status || recorded.holdReason !== view.holdReason || notes.length > 0;
  const releaseDue = () => view.status === 'open' && !view.released;
  const cancelNoticeDue = () => view.status === 'cancelled' && wmsHasIt() && !wmsToldCancelled;
  const shipmentsOpen = () => view.shipments.some((s) => s.status === 'rejected' || s.status === 'failed' || s.status === 'pending');
  const hasWork = () => shipmentQueue.length > 0 || statusMoved() || releaseDue() || cancelNoticeDue() || wmsUpdateDue;
  // An order whose shipment the channel refused stays open for a re-send (S-5); otherwise terminal ends it.
  const finished = () => isTerminal(view.status) && !hasWork() && !shipmentsOpen();

  publish();
  for (;;) {
    const warnIn = view.status === 'pending_payment' && !paymentWarned && pendingSince !== null
      ? Math.max(1, pendingSince + input.pendingPaymentWarnHours * 3_600_000 - new Date().getTime())
      : undefined;
    const wake = () => hasWork() || finished() || workflowInfo().continueAsNewSuggested;
    const woke = warnIn === undefined ? (await condition(wake), true) : await condition(wake, warnIn);
    if (!woke) {
      paymentWarned = true;
      notes.push({
        severity: 'warning',
        code: 'pending_payment_too_long',
        message: `order ${view.orderNumber} has waited for payment more than ${input.pendingPaymentWarnHours} h: check it on the store or cancel it`,
      });
    }
    // Handlers may move the state while an activity runs; each step re-checks what is due.
    if (statusMoved()) await recordStatus();
    if (releaseDue()) await tellWms('order.released');
    if (wmsUpdateDue) {
      wmsUpdateDue = false;
      await tellWms('order.updated');
    }
    if (cancelNoticeDue()) {
      await tellWms('order.cancelled');
      wmsToldCancelled = true;
    }
    const next = shipmentQueue.shift();
    if (next) await sendShipment(next);
    if (finished()) break;
    if (workflowInfo().continueAsNewSuggested && !hasWork()) {
      await condition(allHandlersFinished);
      await continueAsNew<typeof orderWorkflow>({ ...input, carried: view });
    }
  }
  await condition(allHandlersFinished);
  return view;
}

function describeOrder(view: OrderView): string {
  const parts = [`${view.orderNumber}: ${view.status}${view.holdReason ? ` (${view.holdReason})` : ''}`];
  if (view.released) parts.push(isTerminal(view.status) ? 'released to the WMS' : 'released to the WMS, waiting for it');
  if (view.shipments.length > 0) parts.push(`shipments: ${view.shipments.map((s) => `${s.wmsShipmentId} ${s.status}`).join(', ')}`);
  return parts.join(' · ');
}
