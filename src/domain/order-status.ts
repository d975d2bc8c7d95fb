// The order status machine of SPEC §6 (O-2, O-5, O-7), pure and deterministic: the order workflow
// feeds it every event it sees and stores what comes back. An event that does not fit the order's
// state is refused with a message an operator can act on; nothing here throws.

/** Canonical statuses, in lifecycle order (the `order_status` enum of the database). */
export const ORDER_STATUSES = [
  'pending_payment',
  'on_hold',
  'open',
  'in_progress',
  'partially_shipped',
  'shipped',
  'cancel_requested',
  'cancelled',
] as const;
export type OrderStatus = (typeof ORDER_STATUSES)[number];

/** Statuses the WMS has not started yet: channel changes still apply to them (OD-8). */
export const NOT_STARTED_STATUSES = ['pending_payment', 'on_hold', 'open'] as const;
export type NotStartedStatus = (typeof NOT_STARTED_STATUSES)[number];

/** §6: an order that is shipped or cancelled never changes again. */
export const TERMINAL_STATUSES = ['shipped', 'cancelled'] as const;
export type TerminalStatus = (typeof TERMINAL_STATUSES)[number];

export function isTerminal(status: OrderStatus): status is TerminalStatus {
  return (TERMINAL_STATUSES as readonly OrderStatus[]).includes(status);
}

export function isNotStarted(status: OrderStatus): status is NotStartedStatus {
  return (NOT_STARTED_STATUSES as readonly OrderStatus[]).includes(status);
}

/**
 * Why an order is on hold. Automatic reasons come from the order itself (OD-5, OD-6, OD-7);
 * `ops:<note>` is a hold an operator placed through the API/CLI (O-7).
 */
export type HoldReason = 'missing_customer_data' | 'missing_products' | `tag:${string}` | `ops:${string}`;

export type OrderEvent =
  /** The channel reports the payment captured (OD-4). */
  | { type: 'payment_cleared' }
  /** Ops (O-7) or a channel change (OD-5, OD-7) holds the order. */
  | { type: 'hold_placed'; reason: HoldReason }
  /** Ops release the hold (O-7); an order whose payment is still pending goes back to waiting for it. */
  | { type: 'hold_released'; paymentPending: boolean }
  /** WMS progress (O-2). */
  | { type: 'wms_started' }
  | { type: 'wms_picked' }
  | { type: 'wms_packed' }
  /** A WMS shipment (O-3); the caller knows whether every line is now shipped. */
  | { type: 'shipment_posted'; allLinesShipped: boolean }
  | { type: 'channel_cancelled' }
  | { type: 'ops_cancelled' };
export type OrderEventType = OrderEvent['type'];

export interface OrderState {
  /** For messages: what people call the order (`#1001`). */
  orderNumber: string;
  status: OrderStatus;
  holdReason: HoldReason | null;
}

export type TransitionResult =
  /** `changed` is false for an accepted repeat (a second `wms_started`, a duplicate cancellation). */
  | { ok: true; status: OrderStatus; holdReason: HoldReason | null; changed: boolean }
  | { ok: false; code: 'invalid_transition'; message: string };

/** Where a shipment takes an order (S-4): the last one ships it, earlier ones leave it partially shipped. */
function afterShipment(allLinesShipped: boolean): OrderStatus {
  return allLinesShipped ? 'shipped' : 'partially_shipped';
}

/** O-5: a channel cancellation cancels an order the WMS has not started; after that it is only a request. */
function afterChannelCancellation(status: OrderStatus): OrderStatus {
  return isNotStarted(status) ? 'cancelled' : 'cancel_requested';
}

function describeOrder(state: OrderState): string {
  const reason = state.status === 'on_hold' && state.holdReason ? ` (${state.holdReason})` : '';
  return `order ${state.orderNumber} is ${state.status}${reason}`;
}

/**
 * The next status for `event`, or a refusal naming what the operator can do instead.
 * Ops may cancel any order that is not terminal: they stop it in the warehouse themselves, and a
 * `cancel_requested` order is resolved this way (O-5, O-7). A shipment posted while a cancellation
 * is requested is recorded (the parcel has left), and only the last one ships the order.
 */
export function transition(state: OrderState, event: OrderEvent): TransitionResult {
  const next = nextStatus(state, event);
  if (typeof next === 'string') {
    const holdReason = next === 'on_hold' ? (state.status === 'on_hold' ? state.holdReason : holdReasonOf(event)) : null;
    return { ok: true, status: next, holdReason, changed: next !== state.status || holdReason !== state.holdReason };
  }
  return { ok: false, code: 'invalid_transition', message: `${describeOrder(state)}; ${next.refusal}` };
}

function holdReasonOf(event: OrderEvent): HoldReason | null {
  return event.type === 'hold_placed' ? event.reason : null;
}

type Next = OrderStatus | { refusal: string };

function nextStatus(state: OrderState, event: OrderEvent): Next {
  const { status } = state;
  if (isTerminal(status)) return terminalRepeat(status, event);
  switch (event.type) {
    case 'payment_cleared':
      // A cleared payment releases only a payment wait; other holds stay (OD-4 never hides OD-5).
      return status === 'pending_payment' ? 'open' : status;
    case 'hold_placed':
      return isNotStarted(status) ? 'on_hold' : { refusal: 'the WMS has started it, so it can no longer be held here: stop it in the WMS' };
    case 'hold_released':
      if (status !== 'on_hold') return { refusal: 'it is not on hold, so there is no hold to release' };
      return event.paymentPending ? 'pending_payment' : 'open';
    case 'wms_started':
    case 'wms_picked':
    case 'wms_packed':
      return afterWmsProgress(status);
    case 'shipment_posted':
      if (status === 'pending_payment' || status === 'on_hold') {
        return { refusal: 'it was not released to the WMS, so it cannot have shipped: check the order number on the shipment' };
      }
      // A partial shipment leaves a cancellation request standing for the rest.
      return status === 'cancel_requested' && !event.allLinesShipped ? status : afterShipment(event.allLinesShipped);
    case 'channel_cancelled':
      return status === 'cancel_requested' ? status : afterChannelCancellation(status);
    case 'ops_cancelled':
      return 'cancelled';
  }
}

/** O-2: progress moves a released order to in_progress (a WMS may report `picked` without `started`). */
function afterWmsProgress(status: OrderStatus): Next {
  if (status === 'open') return 'in_progress';
  if (status === 'in_progress' || status === 'partially_shipped' || status === 'cancel_requested') return status;
  return { refusal: 'it has not been released to the WMS: release it first, or check the order number the WMS reported' };
}

function eventName(event: OrderEvent): string {
  return event.type.replace(/_/g, ' ');
}

/** A terminal order accepts only the repeat of the event that closed it, and nothing changes. */
function terminalRepeat(status: TerminalStatus, event: OrderEvent): Next {
  if (status === 'shipped') {
    if (event.type === 'shipment_posted' && event.allLinesShipped) return status;
    if (event.type === 'channel_cancelled' || event.type === 'ops_cancelled') return { refusal: 'it cannot be cancelled' };
    return { refusal: `it cannot take ${eventName(event)}; nothing was changed` };
  }
  if (event.type === 'channel_cancelled' || event.type === 'ops_cancelled') return status;
  if (event.type === 'shipment_posted') return { refusal: 'the shipment was not recorded: cancelling is irreversible, so check with the warehouse' };
  return { refusal: `it cannot take ${eventName(event)}; cancelling is irreversible` };
}
