// Order rules after intake: re-downloaded changes (OD-1, OD-8, O-5) and shipment eligibility
// (O-4, S-1). Pure and deterministic. This module is the entry point of the order rules: it
// re-exports intake (order-intake.ts) and the status machine (order-status.ts).
import type { ConnectionSettings } from './connection-settings';
import {
  financialStatusImported,
  isAwaitingPayment,
  matchingRuleTags,
  missingCustomerFields,
  normalizeTag,
  orderHolds,
  quantityToShip,
  statusFor,
  warehouseLines,
  type ImportStatus,
  type IntakeSettings,
  type OrderAddress,
  type OrderCustomerInput,
  type OrderFinancialStatus,
  type OrderLineInput,
} from './order-intake';
import { isNotStarted, isTerminal, transition, type HoldReason, type OrderStatus } from './order-status';

export * from './order-intake';
export * from './order-status';

// ---- re-downloaded orders (OD-1, OD-8, O-5)

export interface StoredOrderLine {
  channelLineId: string;
  sku: string | null;
  /** Ordered quantity as last seen on the channel. */
  quantity: number;
}

/** The order as stored, including lines left out under `partial` (OD-6), so they are not "new" each time. */
export interface StoredOrder extends OrderCustomerInput {
  orderNumber: string;
  status: OrderStatus;
  holdReason: HoldReason | null;
  lines: readonly StoredOrderLine[];
  /** The channel's updated-at of the stored version (OD-1 dedupe key). */
  channelUpdatedAt: string | Date;
  /** As last seen on the channel; with the fields above, what tells two versions of one second apart. */
  financialStatus?: OrderFinancialStatus;
}

/** Structurally a subset of ChannelOrder. */
export interface UpdatedOrderInput extends OrderCustomerInput {
  /** ISO-8601, as every adapter gives it. */
  updatedAt: string;
  cancelledAt: string | null;
  financialStatus: OrderFinancialStatus;
  lines: readonly OrderLineInput[];
}

export type UpdateSettings = Pick<ConnectionSettings, 'orderFilters' | 'tagRules'>;

export interface UpdatedLine {
  channelLineId: string;
  sku: string | null;
  title: string;
  quantity: number;
  quantityToShip: number;
}

export interface OrderChanges {
  shippingAddress?: OrderAddress | null;
  customerName?: string | null;
  tags?: string[];
  /** The order's warehouse lines after the change (all of them); new SKUs still need resolving (OD-6). */
  lines?: UpdatedLine[];
}
export type OrderChangeField = keyof OrderChanges;

export type UpdateIgnoreReason = 'order_closed' | 'cancel_already_recorded' | 'no_relevant_change';

export type UpdateDecision =
  /** OD-1: this version (or a newer one) was processed already. */
  | { action: 'ignore_duplicate' }
  /** O-5: not started in the WMS: cancel it (irreversible) and tell the WMS. */
  | { action: 'cancel' }
  /** O-5: started in the WMS: ask the warehouse, raise an error event for ops. */
  | { action: 'cancel_requested' }
  /** Newer, but nothing to do; the caller still records the new channel updated-at. */
  | { action: 'ignore'; reason: UpdateIgnoreReason; message: string }
  /** OD-8: apply the changes; `newStatus` is present only when the status moves. */
  | { action: 'apply'; changes: OrderChanges; newStatus?: ImportStatus; holdReason?: HoldReason | null }
  /** OD-8 do-not-update-when-started: log a warning naming the fields, change nothing. */
  | { action: 'warn_not_applied'; changes: OrderChangeField[]; message: string };

function toMillis(time: string | Date): number {
  return typeof time === 'string' ? Date.parse(time) : time.getTime();
}

function text(value: string | null | undefined): string {
  return (value ?? '').trim();
}

const ADDRESS_FIELDS: readonly (keyof OrderAddress)[] = ['name', 'company', 'address1', 'address2', 'city', 'provinceCode', 'countryCode', 'zip', 'phone'];

/** Addresses compare by content: blank and missing fields are the same, surrounding spaces do not count. */
export function sameAddress(a: OrderAddress | null, b: OrderAddress | null): boolean {
  if (a === null || b === null) return a === b;
  return ADDRESS_FIELDS.every((field) => text(a[field]) === text(b[field]));
}

/** Tags compare as Shopify's do: a set, case-insensitive, trimmed. */
export function sameTags(a: readonly string[], b: readonly string[]): boolean {
  const x = new Set(a.map(normalizeTag));
  const y = new Set(b.map(normalizeTag));
  return x.size === y.size && [...x].every((tag) => y.has(tag));
}

function updatedLines(lines: readonly OrderLineInput[]): UpdatedLine[] {
  return warehouseLines(lines).map((line) => ({
    channelLineId: line.channelLineId,
    sku: text(line.sku) || null,
    title: line.title,
    quantity: line.quantity,
    quantityToShip: quantityToShip(line),
  }));
}

/**
 * Lines differ when one was added or removed, or its SKU or ordered quantity changed. The
 * unfulfilled quantity is not compared: it falls as parcels ship, which is not an edit.
 */
function sameLines(stored: readonly StoredOrderLine[], incoming: readonly UpdatedLine[]): boolean {
  const byId = new Map(stored.map((line) => [line.channelLineId, line]));
  return (
    stored.length === incoming.length &&
    incoming.every((line) => {
      const before = byId.get(line.channelLineId);
      return before !== undefined && (text(before.sku) || null) === line.sku && before.quantity === line.quantity;
    })
  );
}

/** The fields OD-8 tracks that differ between the stored order and the re-downloaded one. */
export function orderChanges(stored: StoredOrder, incoming: UpdatedOrderInput): OrderChanges {
  const changes: OrderChanges = {};
  if (!sameAddress(stored.shippingAddress, incoming.shippingAddress)) changes.shippingAddress = incoming.shippingAddress;
  if (text(stored.customerName) !== text(incoming.customerName)) changes.customerName = incoming.customerName;
  if (!sameTags(stored.tags, incoming.tags)) changes.tags = incoming.tags.map((tag) => tag.trim());
  const lines = updatedLines(incoming.lines);
  if (!sameLines(stored.lines, lines)) changes.lines = lines;
  return changes;
}

/** OD-4: paid in a way this connection imports; a voided or expired authorisation is not "cleared". */
function paymentSettled(status: OrderFinancialStatus, filters: UpdateSettings['orderFilters']): boolean {
  return financialStatusImported(status, filters) && !isAwaitingPayment(status);
}

/** Holds this update places: a hold tag that was not there before (OD-5), customer data that went missing (OD-7). */
function newlyPlacedHolds(stored: StoredOrder, incoming: UpdatedOrderInput, rules: IntakeSettings['tagRules']): HoldReason[] {
  const before = new Set(orderHolds(stored, rules));
  return orderHolds(incoming, rules).filter((hold) => !before.has(hold));
}

/** Whether the update removes the cause of the order's current hold; ops and missing-product holds are released by ops. */
function holdLifted(holdReason: HoldReason | null, incoming: UpdatedOrderInput, rules: IntakeSettings['tagRules']): boolean {
  if (holdReason === 'missing_customer_data') return missingCustomerFields(incoming).length === 0;
  if (holdReason?.startsWith('tag:')) {
    const tag = normalizeTag(holdReason.slice('tag:'.length));
    return !matchingRuleTags(incoming.tags, rules, 'hold').some((ruleTag) => normalizeTag(ruleTag) === tag);
  }
  return false;
}

/**
 * Where the update takes a not-started order. Holds react to what changed (edges), not to what
 * the order carries: an operator who released a tag hold is not overruled by the next re-download
 * of the same tags. When a hold's cause goes away, the order's remaining holds and payment are
 * re-evaluated as at intake. Returns null when the status stays.
 */
function reviewedStatus(stored: StoredOrder, incoming: UpdatedOrderInput, settings: UpdateSettings): { status: ImportStatus; holdReason: HoldReason | null } | null {
  const settled = paymentSettled(incoming.financialStatus, settings.orderFilters);
  if (stored.status === 'on_hold') {
    return holdLifted(stored.holdReason, incoming, settings.tagRules) ? statusFor(orderHolds(incoming, settings.tagRules), !settled) : null;
  }
  const [placed] = newlyPlacedHolds(stored, incoming, settings.tagRules);
  if (placed) return { status: 'on_hold', holdReason: placed };
  return stored.status === 'pending_payment' && settled ? { status: 'open', holdReason: null } : null;
}

function cancellation(stored: StoredOrder): UpdateDecision {
  const result = transition(stored, { type: 'channel_cancelled' });
  if (!result.ok) return { action: 'ignore', reason: 'order_closed', message: result.message };
  if (!result.changed) return { action: 'ignore', reason: 'cancel_already_recorded', message: `order ${stored.orderNumber} is already ${stored.status}` };
  return result.status === 'cancelled' ? { action: 'cancel' } : { action: 'cancel_requested' };
}

const FIELD_NAMES: Record<OrderChangeField, string> = { shippingAddress: 'shipping address', customerName: 'customer name', tags: 'tags', lines: 'lines' };

function notAppliedMessage(stored: StoredOrder, fields: readonly OrderChangeField[], wouldHold: readonly HoldReason[]): string {
  const base = `order ${stored.orderNumber} is ${stored.status} in the WMS; channel changes to ${fields.map((f) => FIELD_NAMES[f]).join(', ')} were not applied`;
  return wouldHold.length > 0 ? `${base}. It would now be held (${wouldHold.join(', ')}): stop it in the WMS if it must not ship` : base;
}

function nothingChanged(stored: StoredOrder): UpdateDecision {
  return { action: 'ignore', reason: 'no_relevant_change', message: `order ${stored.orderNumber}: nothing the WMS uses changed` };
}

/**
 * OD-1 dedupe by (channel order id, updated-at). Channels stamp second precision, so a change
 * made within the second of our last read carries the same updated-at: an equal stamp is a
 * duplicate only when nothing we track differs, or a payment captured a moment after the order
 * was read would never be seen.
 */
function isSameOrOlderVersion(stored: StoredOrder, incoming: UpdatedOrderInput): boolean {
  const incomingAt = Date.parse(incoming.updatedAt);
  const storedAt = toMillis(stored.channelUpdatedAt);
  if (incomingAt !== storedAt) return !(incomingAt > storedAt);
  const newlyCancelled = incoming.cancelledAt !== null && stored.status !== 'cancelled' && stored.status !== 'cancel_requested';
  const paymentMoved = stored.financialStatus !== undefined && stored.financialStatus !== incoming.financialStatus;
  return !newlyCancelled && !paymentMoved && Object.keys(orderChanges(stored, incoming)).length === 0;
}

/**
 * A re-downloaded order that is already stored (OD-8). Cancellation wins over every other change
 * and follows O-5; other changes apply while the WMS has not started the order, and are only
 * reported once it has.
 */
export function decideUpdate(stored: StoredOrder, incoming: UpdatedOrderInput, settings: UpdateSettings): UpdateDecision {
  if (isSameOrOlderVersion(stored, incoming)) return { action: 'ignore_duplicate' };
  if (incoming.cancelledAt !== null) return cancellation(stored);
  const changes = orderChanges(stored, incoming);
  const fields = Object.keys(changes) as OrderChangeField[];
  if (isTerminal(stored.status)) {
    if (fields.length === 0) return nothingChanged(stored);
    return { action: 'ignore', reason: 'order_closed', message: `order ${stored.orderNumber} is ${stored.status}; later channel changes are recorded only` };
  }
  if (!isNotStarted(stored.status)) {
    if (fields.length === 0) return nothingChanged(stored);
    const wouldHold = newlyPlacedHolds(stored, incoming, settings.tagRules);
    return { action: 'warn_not_applied', changes: fields, message: notAppliedMessage(stored, fields, wouldHold) };
  }
  const next = reviewedStatus(stored, incoming, settings);
  const moves = next !== null && (next.status !== stored.status || next.holdReason !== stored.holdReason);
  if (!moves && fields.length === 0) return nothingChanged(stored);
  return moves ? { action: 'apply', changes, newStatus: next.status, holdReason: next.holdReason } : { action: 'apply', changes };
}

// ---- shipment info (O-4, S-1)

export interface ShipmentEligibilityInput {
  /** `wms_manual`: created in the WMS through the API, never downloaded. */
  origin: 'channel' | 'wms_manual';
  /** Lines were changed in the WMS after download (even if later restored). */
  linesChangedInWms: boolean;
}

export type ShipmentIneligibleReason = 'manual_wms_order' | 'lines_changed_in_wms' | 'send_shipment_info_off';

export type ShipmentEligibility = { eligible: true } | { eligible: false; reason: ShipmentIneligibleReason; message: string };

/**
 * S-1 / O-4: whether a shipment of this order is sent to the channel. Facts about the order come
 * before the connection setting: they hold even if the setting is turned back on, so a re-send
 * would still not go. Ineligible shipments are recorded, not errors.
 */
export function shipmentEligibility(order: ShipmentEligibilityInput, settings: Pick<ConnectionSettings, 'sendShipmentInfo'>): ShipmentEligibility {
  if (order.origin === 'wms_manual') {
    return { eligible: false, reason: 'manual_wms_order', message: 'the order was created in the WMS, so the store has no order to fulfil' };
  }
  if (order.linesChangedInWms) {
    return {
      eligible: false,
      reason: 'lines_changed_in_wms',
      message: 'the order lines were changed in the WMS after download, so the shipment no longer matches the store order',
    };
  }
  if (!settings.sendShipmentInfo) return { eligible: false, reason: 'send_shipment_info_off', message: 'sending shipment info is turned off for this connection' };
  return { eligible: true };
}
