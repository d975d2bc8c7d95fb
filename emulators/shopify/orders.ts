// Order lifecycle as Shopify models it: an order gets one fulfillment order per assigned
// location; fulfillments consume fulfillment-order line items (remainingQuantity), which moves
// the order's displayFulfillmentStatus UNFULFILLED → PARTIALLY_FULFILLED → FULFILLED.
// Every change bumps updatedAt (whole seconds) and emits the webhook topics Shopify would.
import { commit, ship } from './inventory';
import { gid, idOf } from './ids';
import { normaliseMoney, variantBySku } from './catalog';
import {
  StoreError,
  type Address,
  type EmulatorStore,
  type FinancialStatus,
  type Fulfillment,
  type FulfillmentOrder,
  type LineItem,
  type Order,
  type ShopState,
  type TrackingInfo,
} from './store';

export interface LineItemInput {
  /** Either a variant id (numeric) or a SKU of an existing variant; or a custom item. */
  variantId?: number;
  sku?: string;
  title?: string;
  quantity: number;
  price?: string;
  requiresShipping?: boolean;
  /** Location whose fulfillment order gets this line; defaults to the first active location. */
  locationId?: number;
}

export interface OrderInput {
  email?: string | null;
  phone?: string | null;
  note?: string | null;
  tags?: string[];
  financialStatus?: FinancialStatus;
  currency?: string;
  customer?: { firstName?: string | null; lastName?: string | null; email?: string | null; phone?: string | null } | null;
  shippingAddress?: Address | null;
  billingAddress?: Address | null;
  shippingLine?: { title: string; code?: string | null; price?: string } | null;
  lineItems: LineItemInput[];
  test?: boolean;
  /** Override timestamps (seeds); epoch ms, truncated to whole seconds. */
  createdAt?: number;
  updatedAt?: number;
}

function defaultLocationId(shop: ShopState): number {
  for (const loc of shop.locations.values()) if (loc.isActive && loc.fulfillsOnlineOrders) return loc.id;
  throw new StoreError('the shop has no active location to assign orders to');
}

function seconds(ms: number): number {
  return Math.floor(ms / 1000) * 1000;
}

export function createOrder(store: EmulatorStore, shop: ShopState, input: OrderInput): Order {
  if (input.lineItems.length === 0) throw new StoreError('an order needs at least one line item');
  const createdAt = seconds(input.createdAt ?? store.now());
  const updatedAt = seconds(input.updatedAt ?? createdAt);
  const number = shop.nextOrderNumber++;
  const order: Order = {
    id: store.allocateId(shop),
    number,
    name: `#${number}`,
    email: input.email ?? input.customer?.email ?? null,
    phone: input.phone ?? null,
    note: input.note ?? null,
    tags: dedupeTags(input.tags ?? []),
    currency: input.currency ?? shop.currency,
    financialStatus: input.financialStatus ?? 'PAID',
    customer: null,
    shippingAddress: input.shippingAddress ?? null,
    billingAddress: input.billingAddress ?? input.shippingAddress ?? null,
    shippingLine: input.shippingLine
      ? { title: input.shippingLine.title, code: input.shippingLine.code ?? null, price: normaliseMoney(input.shippingLine.price ?? '0') }
      : null,
    lineItems: [],
    fulfillmentOrders: [],
    fulfillments: [],
    cancelledAt: null,
    cancelReason: null,
    closedAt: null,
    test: input.test ?? false,
    createdAt,
    processedAt: createdAt,
    updatedAt,
  };
  if (input.customer) {
    const customer = {
      id: store.allocateId(shop),
      firstName: input.customer.firstName ?? null,
      lastName: input.customer.lastName ?? null,
      email: input.customer.email ?? input.email ?? null,
      phone: input.customer.phone ?? null,
    };
    shop.customers.set(customer.id, customer);
    order.customer = customer;
  }

  const byLocation = new Map<number, FulfillmentOrder>();
  for (const li of input.lineItems) {
    if (!Number.isInteger(li.quantity) || li.quantity < 1) throw new StoreError('line item quantity must be a positive integer');
    const variant =
      li.variantId !== undefined ? shop.variants.get(li.variantId) : li.sku !== undefined ? variantBySku(shop, li.sku) : undefined;
    if (li.variantId !== undefined && !variant) throw new StoreError(`unknown variant ${li.variantId}`);
    const product = variant ? shop.products.get(variant.productId) : undefined;
    const line: LineItem = {
      id: store.allocateId(shop),
      variantId: variant?.id ?? null,
      productId: product?.id ?? null,
      sku: variant?.sku ?? li.sku ?? null,
      title: product?.title ?? li.title ?? 'Custom item',
      variantTitle: variant && variant.title !== 'Default Title' ? variant.title : null,
      vendor: product?.vendor ?? null,
      quantity: li.quantity,
      currentQuantity: li.quantity,
      price: normaliseMoney(li.price ?? variant?.price ?? '0'),
      requiresShipping: li.requiresShipping ?? true,
    };
    order.lineItems.push(line);
    if (!line.requiresShipping) continue;
    const locationId = li.locationId ?? defaultLocationId(shop);
    if (!shop.locations.has(locationId)) throw new StoreError(`unknown location ${locationId}`);
    let fo = byLocation.get(locationId);
    if (!fo) {
      fo = { id: store.allocateId(shop), orderId: order.id, locationId, status: 'OPEN', lineItems: [], createdAt, updatedAt };
      byLocation.set(locationId, fo);
      order.fulfillmentOrders.push(fo);
    }
    fo.lineItems.push({ id: store.allocateId(shop), lineItemId: line.id, totalQuantity: li.quantity, remainingQuantity: li.quantity });
    if (variant) commit(shop, variant.inventoryItemId, locationId, li.quantity, updatedAt);
  }
  shop.orders.set(order.id, order);
  store.emit({ shop: shop.domain, topic: 'orders/create', orderId: order.id });
  return order;
}

export function dedupeTags(tags: string[]): string[] {
  const out: string[] = [];
  for (const raw of tags) {
    const tag = raw.trim();
    if (tag && !out.some((t) => t.toLowerCase() === tag.toLowerCase())) out.push(tag);
  }
  return out;
}

export function requireOrder(shop: ShopState, orderId: number): Order {
  const order = shop.orders.get(orderId);
  if (!order) throw new StoreError(`unknown order ${orderId}`, 404);
  return order;
}

function touch(store: EmulatorStore, order: Order): void {
  order.updatedAt = store.nowSeconds();
}

export interface OrderUpdate {
  email?: string | null;
  phone?: string | null;
  note?: string | null;
  tags?: string[];
  financialStatus?: FinancialStatus;
  shippingAddress?: Address | null;
}

export function updateOrder(store: EmulatorStore, shop: ShopState, orderId: number, patch: OrderUpdate): Order {
  const order = requireOrder(shop, orderId);
  if (patch.email !== undefined) order.email = patch.email;
  if (patch.phone !== undefined) order.phone = patch.phone;
  if (patch.note !== undefined) order.note = patch.note;
  if (patch.tags !== undefined) order.tags = dedupeTags(patch.tags);
  if (patch.financialStatus !== undefined) order.financialStatus = patch.financialStatus;
  if (patch.shippingAddress !== undefined) order.shippingAddress = patch.shippingAddress;
  touch(store, order);
  store.emit({ shop: shop.domain, topic: 'orders/updated', orderId });
  return order;
}

export function cancelOrder(
  store: EmulatorStore,
  shop: ShopState,
  orderId: number,
  options: { reason?: string; restock?: boolean } = {},
): Order {
  const order = requireOrder(shop, orderId);
  if (order.cancelledAt !== null) throw new StoreError('order is already cancelled', 409);
  if (order.fulfillments.some((f) => f.status === 'SUCCESS')) {
    throw new StoreError('an order with fulfillments cannot be cancelled; refund it instead', 409);
  }
  const at = store.nowSeconds();
  order.cancelledAt = at;
  order.closedAt = at;
  order.cancelReason = (options.reason ?? 'OTHER').toUpperCase();
  if (order.financialStatus === 'PAID') order.financialStatus = 'REFUNDED';
  else if (order.financialStatus === 'AUTHORIZED' || order.financialStatus === 'PENDING') order.financialStatus = 'VOIDED';
  for (const fo of order.fulfillmentOrders) {
    for (const foli of fo.lineItems) {
      const line = order.lineItems.find((l) => l.id === foli.lineItemId);
      const variant = line?.variantId ? shop.variants.get(line.variantId) : undefined;
      if (variant && foli.remainingQuantity > 0) commit(shop, variant.inventoryItemId, fo.locationId, -foli.remainingQuantity, at);
    }
    fo.status = 'CLOSED';
    fo.updatedAt = at;
  }
  order.updatedAt = at;
  store.emit({ shop: shop.domain, topic: 'orders/cancelled', orderId });
  store.emit({ shop: shop.domain, topic: 'orders/updated', orderId });
  return order;
}

export interface RefundInput {
  lineItems: { lineItemId: number; quantity: number }[];
}

/** Refunds units: currentQuantity and the unfulfilled remainder shrink, financial status moves. */
export function refundOrder(store: EmulatorStore, shop: ShopState, orderId: number, input: RefundInput): Order {
  const order = requireOrder(shop, orderId);
  const at = store.nowSeconds();
  for (const r of input.lineItems) {
    const line = order.lineItems.find((l) => l.id === r.lineItemId);
    if (!line) throw new StoreError(`line item ${r.lineItemId} is not on order ${orderId}`);
    if (r.quantity < 1 || r.quantity > line.currentQuantity) throw new StoreError(`cannot refund ${r.quantity} of line item ${r.lineItemId}`);
  }
  for (const r of input.lineItems) {
    const line = order.lineItems.find((l) => l.id === r.lineItemId) as LineItem;
    line.currentQuantity -= r.quantity;
    // Refunded units come off what is still to be fulfilled first.
    let left = r.quantity;
    for (const fo of order.fulfillmentOrders) {
      for (const foli of fo.lineItems) {
        if (foli.lineItemId !== line.id || left === 0) continue;
        const take = Math.min(left, foli.remainingQuantity);
        foli.remainingQuantity -= take;
        foli.totalQuantity -= take;
        left -= take;
        const variant = line.variantId ? shop.variants.get(line.variantId) : undefined;
        if (variant && take > 0) commit(shop, variant.inventoryItemId, fo.locationId, -take, at);
      }
      refreshFulfillmentOrderStatus(fo, at);
    }
  }
  const remaining = order.lineItems.reduce((n, l) => n + l.currentQuantity, 0);
  order.financialStatus = remaining === 0 ? 'REFUNDED' : 'PARTIALLY_REFUNDED';
  order.updatedAt = at;
  store.emit({ shop: shop.domain, topic: 'orders/updated', orderId });
  return order;
}

function refreshFulfillmentOrderStatus(fo: FulfillmentOrder, at: number): void {
  if (fo.status === 'CLOSED' || fo.status === 'CANCELLED') return;
  const remaining = fo.lineItems.reduce((n, l) => n + l.remainingQuantity, 0);
  const total = fo.lineItems.reduce((n, l) => n + l.totalQuantity, 0);
  fo.status = remaining === 0 ? 'CLOSED' : remaining < total ? 'IN_PROGRESS' : 'OPEN';
  fo.updatedAt = at;
}

export function fulfilledQuantity(order: Order, lineItemId: number): number {
  let n = 0;
  for (const f of order.fulfillments) {
    if (f.status !== 'SUCCESS') continue;
    for (const fli of f.lineItems) if (fli.lineItemId === lineItemId) n += fli.quantity;
  }
  return n;
}

export function displayFulfillmentStatus(order: Order): 'UNFULFILLED' | 'PARTIALLY_FULFILLED' | 'FULFILLED' {
  let shippable = 0;
  let fulfilled = 0;
  for (const line of order.lineItems) {
    if (!line.requiresShipping) continue;
    const done = fulfilledQuantity(order, line.id);
    fulfilled += done;
    shippable += Math.max(line.currentQuantity, done);
  }
  if (fulfilled === 0) return 'UNFULFILLED';
  return fulfilled >= shippable ? 'FULFILLED' : 'PARTIALLY_FULFILLED';
}

export function findFulfillmentOrder(shop: ShopState, foId: number): { order: Order; fo: FulfillmentOrder } | undefined {
  for (const order of shop.orders.values()) {
    const fo = order.fulfillmentOrders.find((f) => f.id === foId);
    if (fo) return { order, fo };
  }
  return undefined;
}

export interface FulfillmentCreateInput {
  lineItemsByFulfillmentOrder: {
    fulfillmentOrderId: string;
    fulfillmentOrderLineItems?: { id: string; quantity: number }[] | null;
  }[];
  notifyCustomer?: boolean | null;
  trackingInfo?: {
    company?: string | null;
    number?: string | null;
    numbers?: string[] | null;
    url?: string | null;
    urls?: string[] | null;
  } | null;
}

export interface UserError {
  field: string[] | null;
  message: string;
}

export type FulfillmentCreateResult = { ok: true; fulfillment: Fulfillment; order: Order } | { ok: false; userErrors: UserError[] };

function trackingFrom(input: FulfillmentCreateInput['trackingInfo']): TrackingInfo[] {
  if (!input) return [];
  const numbers = input.numbers && input.numbers.length > 0 ? input.numbers : input.number ? [input.number] : [];
  const urls = input.urls && input.urls.length > 0 ? input.urls : input.url ? [input.url] : [];
  const count = Math.max(numbers.length, urls.length);
  const out: TrackingInfo[] = [];
  for (let i = 0; i < count; i++) {
    out.push({ number: numbers[i] ?? null, url: urls[i] ?? null, company: input.company ?? null });
  }
  if (out.length === 0 && input.company) out.push({ number: null, url: null, company: input.company });
  return out;
}

/**
 * fulfillmentCreate: validates everything first (userErrors, nothing changed), then consumes
 * remaining quantities, ships stock out of the location and records the tracking info.
 */
export function createFulfillment(store: EmulatorStore, shop: ShopState, input: FulfillmentCreateInput): FulfillmentCreateResult {
  const errors: UserError[] = [];
  const plan: { fo: FulfillmentOrder; foliId: number; quantity: number }[] = [];
  let order: Order | undefined;
  const field = ['fulfillment'];

  if (input.lineItemsByFulfillmentOrder.length === 0) {
    return { ok: false, userErrors: [{ field, message: 'Line items by fulfillment order must not be empty.' }] };
  }
  for (const group of input.lineItemsByFulfillmentOrder) {
    const foId = idOf(group.fulfillmentOrderId, 'FulfillmentOrder');
    const found = foId === undefined ? undefined : findFulfillmentOrder(shop, foId);
    if (!found) {
      errors.push({ field, message: `Fulfillment order ${group.fulfillmentOrderId} does not exist.` });
      continue;
    }
    if (order && order.id !== found.order.id) {
      errors.push({ field, message: 'All fulfillment orders must belong to the same order.' });
      continue;
    }
    order = found.order;
    if (plan.length > 0 && plan[0]?.fo.locationId !== found.fo.locationId) {
      errors.push({ field, message: 'All fulfillment orders must be assigned to the same location.' });
      continue;
    }
    if (found.order.cancelledAt !== null || found.fo.status === 'CLOSED' || found.fo.status === 'CANCELLED') {
      errors.push({
        field,
        message: `Fulfillment order ${gid('FulfillmentOrder', found.fo.id)} has an unfulfillable status= ${found.fo.status.toLowerCase()}.`,
      });
      continue;
    }
    const requested =
      group.fulfillmentOrderLineItems && group.fulfillmentOrderLineItems.length > 0
        ? group.fulfillmentOrderLineItems
        : found.fo.lineItems.filter((l) => l.remainingQuantity > 0).map((l) => ({ id: gid('FulfillmentOrderLineItem', l.id), quantity: l.remainingQuantity }));
    for (const item of requested) {
      const foliId = idOf(item.id, 'FulfillmentOrderLineItem');
      const foli = found.fo.lineItems.find((l) => l.id === foliId);
      if (!foli || foliId === undefined) {
        errors.push({ field, message: `Fulfillment order line item ${item.id} does not exist on fulfillment order ${group.fulfillmentOrderId}.` });
        continue;
      }
      const already = plan.filter((p) => p.foliId === foliId).reduce((n, p) => n + p.quantity, 0);
      if (item.quantity < 1 || item.quantity + already > foli.remainingQuantity) {
        errors.push({ field, message: 'Invalid fulfillment order line item quantity requested.' });
        continue;
      }
      plan.push({ fo: found.fo, foliId, quantity: item.quantity });
    }
  }
  if (errors.length > 0 || !order) return { ok: false, userErrors: errors };
  if (plan.length === 0) return { ok: false, userErrors: [{ field, message: 'Fulfillment order has no remaining line items to fulfill.' }] };

  const at = store.nowSeconds();
  const locationId = (plan[0] as (typeof plan)[number]).fo.locationId;
  const fulfillment: Fulfillment = {
    id: store.allocateId(shop),
    orderId: order.id,
    locationId,
    name: `${order.name}.${order.fulfillments.length + 1}`,
    status: 'SUCCESS',
    notifyCustomer: input.notifyCustomer ?? false,
    tracking: trackingFrom(input.trackingInfo),
    lineItems: [],
    createdAt: at,
    updatedAt: at,
    createdAtMs: store.now(),
  };
  for (const p of plan) {
    const foli = p.fo.lineItems.find((l) => l.id === p.foliId);
    if (!foli) continue;
    foli.remainingQuantity -= p.quantity;
    fulfillment.lineItems.push({
      id: store.allocateId(shop),
      fulfillmentOrderId: p.fo.id,
      fulfillmentOrderLineItemId: foli.id,
      lineItemId: foli.lineItemId,
      quantity: p.quantity,
    });
    const line = order.lineItems.find((l) => l.id === foli.lineItemId);
    const variant = line?.variantId ? shop.variants.get(line.variantId) : undefined;
    if (variant) ship(shop, variant.inventoryItemId, p.fo.locationId, p.quantity, at);
  }
  for (const fo of new Set(plan.map((p) => p.fo))) refreshFulfillmentOrderStatus(fo, at);
  order.fulfillments.push(fulfillment);
  order.updatedAt = at;
  const status = displayFulfillmentStatus(order);
  if (status === 'FULFILLED' && order.fulfillmentOrders.every((fo) => fo.status === 'CLOSED')) order.closedAt = at;
  store.emit({ shop: shop.domain, topic: status === 'FULFILLED' ? 'orders/fulfilled' : 'orders/partially_fulfilled', orderId: order.id });
  store.emit({ shop: shop.domain, topic: 'orders/updated', orderId: order.id });
  return { ok: true, fulfillment, order };
}

export function findFulfillment(shop: ShopState, fulfillmentId: number): { order: Order; fulfillment: Fulfillment } | undefined {
  for (const order of shop.orders.values()) {
    const fulfillment = order.fulfillments.find((f) => f.id === fulfillmentId);
    if (fulfillment) return { order, fulfillment };
  }
  return undefined;
}

/** tagsAdd on an order: adds missing tags (case-insensitive), bumps updatedAt only on change. */
export function addOrderTags(store: EmulatorStore, shop: ShopState, order: Order, tags: string[]): void {
  const merged = dedupeTags([...order.tags, ...tags]);
  if (merged.length === order.tags.length) return;
  order.tags = merged;
  touch(store, order);
  store.emit({ shop: shop.domain, topic: 'orders/updated', orderId: order.id });
}
