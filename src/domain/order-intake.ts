// Order intake (SPEC §5 OD-3 … OD-9): what happens to a channel order seen for the first time.
// Pure and deterministic (the caller passes `now` and the known SKUs), shared by the download
// workflow, its activities and the tests. The input types mirror the channel layer's ChannelOrder
// structurally, since domain code imports no channel code.
import type { ConnectionSettings } from './connection-settings';
import type { HoldReason } from './order-status';

// ---- input (structurally a subset of ChannelOrder)

export type OrderFinancialStatus =
  | 'pending'
  | 'authorized'
  | 'partially_paid'
  | 'paid'
  | 'partially_refunded'
  | 'refunded'
  | 'voided'
  | 'expired'
  | 'unknown';

export type OrderFulfillmentStatus = 'unfulfilled' | 'partially_fulfilled' | 'fulfilled' | 'scheduled' | 'on_hold' | 'unknown';

export interface OrderAddress {
  name: string | null;
  company: string | null;
  address1: string | null;
  address2: string | null;
  city: string | null;
  provinceCode: string | null;
  countryCode: string | null;
  zip: string | null;
  phone: string | null;
}

export interface OrderLineInput {
  channelLineId: string;
  sku: string | null;
  title: string;
  /** Quantity still on the order (after refunds/removals). */
  quantity: number;
  /** Units not yet fulfilled on the channel. */
  unfulfilledQuantity: number;
  requiresShipping: boolean;
}

/** The customer-facing part of an order: what OD-5, OD-7 and OD-8 look at. */
export interface OrderCustomerInput {
  tags: readonly string[];
  customerName: string | null;
  shippingAddress: OrderAddress | null;
}

export interface IntakeOrderInput extends OrderCustomerInput {
  orderNumber: string;
  createdAt: string;
  cancelledAt: string | null;
  financialStatus: OrderFinancialStatus;
  fulfillmentStatus: OrderFulfillmentStatus;
  locationIds: readonly string[];
  lines: readonly OrderLineInput[];
  /** Set by channels whose order lists include drafts (Salesforce `Draft`); Shopify lists none. */
  draft?: boolean;
}

export type IntakeSettings = Pick<ConnectionSettings, 'orderFilters' | 'tagRules' | 'missingProductPolicy' | 'downloadProducts'>;

export interface IntakeContext {
  /** The time of the decision (workflow time); never read from the clock here. */
  now: Date;
  /** WMS SKUs of the connection's client that exist as products (OD-6). */
  knownSkus: ReadonlySet<string>;
}

// ---- output

export type SkipReason =
  | 'draft'
  | 'cancelled_at_first_sight'
  | 'already_fulfilled'
  | 'outside_lookback'
  | 'tag_do_not_download'
  | 'financial_status_filtered'
  | 'fulfillment_status_filtered'
  | 'location_not_monitored'
  | 'no_shippable_lines';

/** One line as the warehouse gets it. */
export interface IntakeLine {
  channelLineId: string;
  sku: string;
  title: string;
  /** Ordered quantity still on the order: what later updates are compared with (OD-8). */
  quantity: number;
  /** Units the warehouse still has to ship (a partially fulfilled order was partly shipped elsewhere). */
  quantityToShip: number;
}

export type ImportStatus = 'pending_payment' | 'on_hold' | 'open';

export type IntakeDecision =
  | { action: 'skip'; reason: SkipReason; message: string; tag?: string }
  | { action: 'error'; code: 'sku_missing'; message: string }
  | {
      action: 'import';
      status: ImportStatus;
      /** The hold shown to operators: the first of `holdReasons`. */
      holdReason: HoldReason | null;
      /** Every hold that applies, in precedence order, for the integration log. */
      holdReasons: HoldReason[];
      /** Lines released to the warehouse. */
      lines: IntakeLine[];
      /** OD-6 `partial`: lines left out because their product does not exist; stored, never released. */
      omittedLines: IntakeLine[];
      /** OD-6: SKUs to create as products before the order is stored. */
      createProducts: string[];
    };

// ---- tags (OD-5)

/** Shopify tags are case-insensitive and trimmed: `" FraudReview"` and `fraudreview` are one tag. */
export function normalizeTag(tag: string): string {
  return tag.trim().toLowerCase();
}

export function sameTag(a: string, b: string): boolean {
  return normalizeTag(a) === normalizeTag(b);
}

/** The rule tags of `action` that the order carries, in the order the rules are configured. */
export function matchingRuleTags(tags: readonly string[], rules: IntakeSettings['tagRules'], action: 'hold' | 'do_not_download'): string[] {
  const carried = new Set(tags.map(normalizeTag));
  return rules.filter((rule) => rule.action === action && carried.has(normalizeTag(rule.tag))).map((rule) => rule.tag.trim());
}

/** OD-5: the holds an order's tags place, as `tag:<rule tag>` (the rule's spelling, so it is stable). */
export function tagHolds(tags: readonly string[], rules: IntakeSettings['tagRules']): HoldReason[] {
  return matchingRuleTags(tags, rules, 'hold').map((tag): HoldReason => `tag:${tag}`);
}

// ---- customer data (OD-7)

function present(value: string | null | undefined): boolean {
  return (value ?? '').trim() !== '';
}

/**
 * OD-7: the fields a shipping label needs that the order lacks (empty when complete). The name
 * may come from the customer or the shipping address; plans that withhold protected customer
 * data leave both empty.
 */
export function missingCustomerFields(order: OrderCustomerInput): string[] {
  const address = order.shippingAddress;
  const missing: string[] = [];
  if (!present(order.customerName) && !present(address?.name)) missing.push('customer name');
  if (!present(address?.address1)) missing.push('shipping address line 1');
  if (!present(address?.city)) missing.push('shipping city');
  if (!present(address?.countryCode)) missing.push('shipping country');
  return missing;
}

/**
 * Holds that follow from the order itself, in precedence order:
 * 1. tag holds (OD-5) — a merchant's deliberate "do not ship" (fraud review); chasing the
 *    customer's address for an order that may be fraudulent is wasted work, so it shows first;
 * 2. missing customer data (OD-7) — the warehouse cannot label the parcel.
 * Pending payment is not a hold reason but a status of its own, below every hold (see decideIntake).
 */
export function orderHolds(order: OrderCustomerInput, rules: IntakeSettings['tagRules']): HoldReason[] {
  const holds = tagHolds(order.tags, rules);
  if (missingCustomerFields(order).length > 0) holds.push('missing_customer_data');
  return holds;
}

// ---- payment (OD-4)

/** Financial statuses that mean "not paid yet, may still be": the order waits in pending_payment. */
const AWAITING_PAYMENT: readonly OrderFinancialStatus[] = ['pending', 'authorized'];

export function isAwaitingPayment(status: OrderFinancialStatus): boolean {
  return AWAITING_PAYMENT.includes(status);
}

export function financialStatusImported(status: OrderFinancialStatus, filters: IntakeSettings['orderFilters']): boolean {
  return (filters.financialStatuses as readonly string[]).includes(status);
}

/** Status for an order with the given holds: any hold wins over a payment wait (OD-4 never hides OD-5). */
export function statusFor(holds: readonly HoldReason[], awaitingPayment: boolean): { status: ImportStatus; holdReason: HoldReason | null } {
  const [first] = holds;
  if (first) return { status: 'on_hold', holdReason: first };
  return { status: awaitingPayment ? 'pending_payment' : 'open', holdReason: null };
}

// ---- lines (OD-6)

/**
 * Lines the warehouse deals with: ones that ship (gift cards and digital goods are not warehouse
 * work) and are still on the order. Intake and updates (OD-8) project orders the same way.
 */
export function warehouseLines<L extends Pick<OrderLineInput, 'requiresShipping' | 'quantity'>>(lines: readonly L[]): L[] {
  return lines.filter((line) => line.requiresShipping && line.quantity > 0);
}

/** Units the warehouse still has to ship: never more than is on the order, never negative. */
export function quantityToShip(line: Pick<OrderLineInput, 'quantity' | 'unfulfilledQuantity'>): number {
  return Math.max(0, Math.min(line.quantity, line.unfulfilledQuantity));
}

function cleanSku(sku: string | null): string | null {
  const trimmed = sku?.trim();
  return trimmed ? trimmed : null;
}

type LineResolution =
  | { ok: false; message: string }
  | { ok: true; lines: IntakeLine[]; omittedLines: IntakeLine[]; createProducts: string[]; missingProducts: boolean };

/**
 * OD-6: unknown SKUs become products to create when products are downloaded or the policy is
 * `create`; `partial` releases only the known lines (and holds an order with no known line at
 * all: a parcel with nothing in it is not an order); `hold` holds the whole order.
 */
function resolveLines(lines: readonly OrderLineInput[], settings: IntakeSettings, knownSkus: ReadonlySet<string>): LineResolution {
  const resolved: IntakeLine[] = [];
  const withoutSku: OrderLineInput[] = [];
  for (const line of lines) {
    const sku = cleanSku(line.sku);
    if (sku === null) withoutSku.push(line);
    else resolved.push({ channelLineId: line.channelLineId, sku, title: line.title, quantity: line.quantity, quantityToShip: quantityToShip(line) });
  }
  if (withoutSku.length > 0) {
    return { ok: false, message: withoutSku.map((line) => `SKU does not exist for line ${line.title} (${line.channelLineId})`).join('; ') };
  }
  const unknown = resolved.filter((line) => !knownSkus.has(line.sku));
  const none = { ok: true as const, lines: resolved, omittedLines: [], createProducts: [], missingProducts: false };
  if (unknown.length === 0) return none;
  if (settings.downloadProducts || settings.missingProductPolicy === 'create') {
    return { ...none, createProducts: [...new Set(unknown.map((line) => line.sku))] };
  }
  if (settings.missingProductPolicy === 'partial' && unknown.length < resolved.length) {
    return { ...none, lines: resolved.filter((line) => knownSkus.has(line.sku)), omittedLines: unknown };
  }
  return { ...none, missingProducts: true };
}

// ---- the decision

type Skip = Extract<IntakeDecision, { action: 'skip' }>;

const DAY_MS = 24 * 60 * 60 * 1000;

function skip(reason: SkipReason, message: string, tag?: string): Skip {
  return tag === undefined ? { action: 'skip', reason, message } : { action: 'skip', reason, message, tag };
}

function isOutsideLookback(createdAt: string, now: Date, lookbackDays: number): boolean {
  const created = Date.parse(createdAt);
  return Number.isFinite(created) && created < now.getTime() - lookbackDays * DAY_MS;
}

function isInMonitoredLocation(locationIds: readonly string[], monitored: IntakeSettings['orderFilters']['locationIds']): boolean {
  return monitored === 'all' || locationIds.some((id) => monitored.includes(id));
}

/**
 * Skip reasons in precedence order: first what the order is (OD-3) and when (lookback), which no
 * later change undoes; then the merchant's explicit instruction (OD-5); last the filters (OD-4
 * financial, fulfillment, OD-9 location), which a later update of the order may lift — so the
 * recorded reason says whether the order can still come in.
 */
function skipReason(order: IntakeOrderInput, settings: IntakeSettings, now: Date): Skip | null {
  const { orderFilters: filters } = settings;
  const n = order.orderNumber;
  if (order.draft) return skip('draft', `order ${n} is a draft`);
  if (order.cancelledAt !== null) return skip('cancelled_at_first_sight', `order ${n} was already cancelled when first downloaded`);
  if (order.fulfillmentStatus === 'fulfilled') return skip('already_fulfilled', `order ${n} is already fulfilled on the channel`);
  if (isOutsideLookback(order.createdAt, now, filters.lookbackDays)) {
    return skip('outside_lookback', `order ${n} was created before the ${filters.lookbackDays}-day lookback window`);
  }
  const [doNotDownload] = matchingRuleTags(order.tags, settings.tagRules, 'do_not_download');
  if (doNotDownload !== undefined) return skip('tag_do_not_download', `order ${n} carries tag "${doNotDownload}" (do not download)`, doNotDownload);
  if (!financialStatusImported(order.financialStatus, filters)) {
    return skip('financial_status_filtered', `order ${n} has financial status ${order.financialStatus}, which this connection does not import`);
  }
  if (!(filters.fulfillmentStatuses as readonly string[]).includes(order.fulfillmentStatus)) {
    return skip('fulfillment_status_filtered', `order ${n} has fulfillment status ${order.fulfillmentStatus}; it is imported once it is unfulfilled`);
  }
  if (!isInMonitoredLocation(order.locationIds, filters.locationIds)) {
    return skip('location_not_monitored', `order ${n} is assigned to no location this connection monitors (${order.locationIds.join(', ') || 'none'})`);
  }
  if (!warehouseLines(order.lines).some((line) => quantityToShip(line) > 0)) {
    return skip('no_shippable_lines', `order ${n} has nothing for the warehouse to ship`);
  }
  return null;
}

/**
 * What to do with a channel order seen for the first time. Precedence:
 * 1. skips (see skipReason): a skipped order needs nothing else checked;
 * 2. a line without SKU is an error (OD-6, OD-10): the order cannot be stored as it is;
 * 3. holds, in this order: tag holds (OD-5), missing customer data (OD-7), missing products
 *    (OD-6; fixable by ops in the WMS, and it only matters once the order may ship at all);
 * 4. pending payment (OD-4), which clears by itself and so never hides a hold;
 * 5. open.
 */
export function decideIntake(order: IntakeOrderInput, settings: IntakeSettings, context: IntakeContext): IntakeDecision {
  const skipped = skipReason(order, settings, context.now);
  if (skipped) return skipped;
  const resolution = resolveLines(warehouseLines(order.lines), settings, context.knownSkus);
  if (!resolution.ok) return { action: 'error', code: 'sku_missing', message: resolution.message };
  const holds = orderHolds(order, settings.tagRules);
  if (resolution.missingProducts) holds.push('missing_products');
  const { status, holdReason } = statusFor(holds, isAwaitingPayment(order.financialStatus));
  return {
    action: 'import',
    status,
    holdReason,
    holdReasons: holds,
    lines: resolution.lines,
    omittedLines: resolution.omittedLines,
    createProducts: resolution.createProducts,
  };
}
