// In-memory state of every emulated shop: entities, tokens, buckets, counters and faults.
// Business operations live in catalog.ts, orders.ts and inventory.ts; this module only owns
// the data, the clock, id allocation and the change-event stream that webhooks listen to.
import { EventEmitter } from 'node:events';
import { LeakyBucket, type ShopPlan } from './bucket';

export type FinancialStatus =
  | 'AUTHORIZED'
  | 'EXPIRED'
  | 'PAID'
  | 'PARTIALLY_PAID'
  | 'PARTIALLY_REFUNDED'
  | 'PENDING'
  | 'REFUNDED'
  | 'VOIDED';

export type FulfillmentOrderStatus = 'OPEN' | 'IN_PROGRESS' | 'CLOSED' | 'CANCELLED' | 'INCOMPLETE' | 'ON_HOLD' | 'SCHEDULED';

export interface Address {
  firstName?: string | null;
  lastName?: string | null;
  company?: string | null;
  address1?: string | null;
  address2?: string | null;
  city?: string | null;
  province?: string | null;
  provinceCode?: string | null;
  country?: string | null;
  countryCode?: string | null;
  zip?: string | null;
  phone?: string | null;
}

export interface Location {
  id: number;
  name: string;
  address: Address;
  isActive: boolean;
  fulfillsOnlineOrders: boolean;
  createdAt: number;
  updatedAt: number;
}

export interface MediaImage {
  id: number;
  url: string;
  alt: string | null;
  width: number;
  height: number;
}

export interface Product {
  id: number;
  title: string;
  handle: string;
  vendor: string;
  productType: string;
  status: 'ACTIVE' | 'ARCHIVED' | 'DRAFT';
  tags: string[];
  descriptionHtml: string;
  variantIds: number[];
  media: MediaImage[];
  createdAt: number;
  updatedAt: number;
}

export interface Variant {
  id: number;
  productId: number;
  title: string;
  sku: string | null;
  barcode: string | null;
  price: string;
  compareAtPrice: string | null;
  position: number;
  inventoryItemId: number;
  createdAt: number;
  updatedAt: number;
}

export interface InventoryItem {
  id: number;
  variantId: number;
  tracked: boolean;
  requiresShipping: boolean;
  createdAt: number;
  updatedAt: number;
}

export interface InventoryLevel {
  inventoryItemId: number;
  locationId: number;
  onHand: number;
  committed: number;
  createdAt: number;
  updatedAt: number;
}

export interface Customer {
  id: number;
  firstName: string | null;
  lastName: string | null;
  email: string | null;
  phone: string | null;
}

export interface LineItem {
  id: number;
  variantId: number | null;
  productId: number | null;
  sku: string | null;
  title: string;
  variantTitle: string | null;
  vendor: string | null;
  quantity: number;
  /** quantity minus refunded/removed units. */
  currentQuantity: number;
  price: string;
  requiresShipping: boolean;
}

export interface FulfillmentOrderLineItem {
  id: number;
  lineItemId: number;
  totalQuantity: number;
  remainingQuantity: number;
}

export interface FulfillmentOrder {
  id: number;
  orderId: number;
  locationId: number;
  status: FulfillmentOrderStatus;
  lineItems: FulfillmentOrderLineItem[];
  createdAt: number;
  updatedAt: number;
}

export interface TrackingInfo {
  number: string | null;
  url: string | null;
  company: string | null;
}

export interface Fulfillment {
  id: number;
  orderId: number;
  locationId: number;
  name: string;
  status: 'SUCCESS' | 'CANCELLED';
  notifyCustomer: boolean;
  tracking: TrackingInfo[];
  lineItems: { id: number; fulfillmentOrderId: number; fulfillmentOrderLineItemId: number; lineItemId: number; quantity: number }[];
  createdAt: number;
  updatedAt: number;
  /** Creation time in ms (not a Shopify field; createdAt has Shopify's whole seconds): benches time shipments with it. */
  createdAtMs: number;
}

export interface ShippingLine {
  title: string;
  code: string | null;
  price: string;
}

export interface Order {
  id: number;
  number: number;
  name: string;
  email: string | null;
  phone: string | null;
  note: string | null;
  tags: string[];
  currency: string;
  financialStatus: FinancialStatus;
  customer: Customer | null;
  shippingAddress: Address | null;
  billingAddress: Address | null;
  shippingLine: ShippingLine | null;
  lineItems: LineItem[];
  fulfillmentOrders: FulfillmentOrder[];
  fulfillments: Fulfillment[];
  cancelledAt: number | null;
  cancelReason: string | null;
  closedAt: number | null;
  test: boolean;
  createdAt: number;
  processedAt: number;
  updatedAt: number;
}

export interface AccessToken {
  token: string;
  scopes: string[];
}

export interface Faults {
  latencyMs: number;
  /** Probability (0..1) that a GraphQL request answers 5xx. */
  errorRate: number;
  /** The next N GraphQL requests answer 5xx. */
  failNext: number;
  errorStatus: number;
  /** The next N GraphQL requests hang for timeoutMs and then drop the connection. */
  timeoutNext: number;
  timeoutMs: number;
  /** Drain the bucket before every request (forced throttling). */
  throttleAlways: boolean;
  /**
   * The next N requests of this operation (e.g. `StorelinkFulfillmentCreate`) are carried out,
   * then the connection drops without an answer: the client cannot know it succeeded, as if it
   * had crashed between the channel's write and recording it (S-2).
   */
  dropResponseNext: number;
  dropResponseOperation: string | null;
  /** How long a dropped answer is held before the connection drops: time to kill the client meanwhile (S-2 chaos test). */
  dropResponseAfterMs: number;
}

export interface Counters {
  requests: number;
  graphqlRequests: number;
  pointsRequested: number;
  pointsCharged: number;
  throttled: number;
  maxCostExceeded: number;
  unauthorized: number;
  injectedErrors: number;
  injectedTimeouts: number;
  mutations: number;
}

export interface IdempotencyRecord {
  fingerprint: string;
  /** The successful result, replayed verbatim on a repeated key. */
  result: unknown;
  failed: boolean;
}

export interface ShopState {
  domain: string;
  name: string;
  email: string;
  currency: string;
  plan: ShopPlan;
  appSecret: string;
  tokens: Map<string, AccessToken>;
  bucket: LeakyBucket;
  locations: Map<number, Location>;
  products: Map<number, Product>;
  variants: Map<number, Variant>;
  inventoryItems: Map<number, InventoryItem>;
  /** Keyed by `${inventoryItemId}:${locationId}`. */
  levels: Map<string, InventoryLevel>;
  orders: Map<number, Order>;
  customers: Map<number, Customer>;
  idempotency: Map<string, IdempotencyRecord>;
  faults: Faults;
  counters: Counters;
  nextId: number;
  nextOrderNumber: number;
  createdAt: number;
}

export interface ShopInput {
  domain: string;
  name?: string;
  email?: string;
  currency?: string;
  plan?: ShopPlan;
  appSecret: string;
  tokens?: AccessToken[];
}

export type ChangeTopic =
  | 'orders/create'
  | 'orders/updated'
  | 'orders/cancelled'
  | 'orders/fulfilled'
  | 'orders/partially_fulfilled'
  | 'products/create'
  | 'products/update'
  | 'inventory_levels/update';

export interface ChangeEvent {
  shop: string;
  topic: ChangeTopic;
  /** Entity id; the webhook module serialises the entity as it is when delivering. */
  orderId?: number;
  productId?: number;
  level?: { inventoryItemId: number; locationId: number };
  at: number;
}

export function defaultFaults(): Faults {
  return {
    latencyMs: 0,
    errorRate: 0,
    failNext: 0,
    errorStatus: 503,
    timeoutNext: 0,
    timeoutMs: 30_000,
    throttleAlways: false,
    dropResponseNext: 0,
    dropResponseOperation: null,
    dropResponseAfterMs: 0,
  };
}

export function emptyCounters(): Counters {
  return {
    requests: 0,
    graphqlRequests: 0,
    pointsRequested: 0,
    pointsCharged: 0,
    throttled: 0,
    maxCostExceeded: 0,
    unauthorized: 0,
    injectedErrors: 0,
    injectedTimeouts: 0,
    mutations: 0,
  };
}

export class StoreError extends Error {
  constructor(
    message: string,
    readonly status: number = 400,
  ) {
    super(message);
  }
}

export class EmulatorStore {
  readonly shops = new Map<string, ShopState>();
  readonly events = new EventEmitter();
  /** Wall clock in ms; tests may inject a fake one. */
  readonly now: () => number;

  constructor(options: { now?: () => number } = {}) {
    this.now = options.now ?? Date.now;
    this.events.setMaxListeners(100);
  }

  /** updatedAt-style timestamps have whole-second precision, like Shopify's. */
  nowSeconds(): number {
    return Math.floor(this.now() / 1000) * 1000;
  }

  createShop(input: ShopInput): ShopState {
    const domain = input.domain.toLowerCase();
    if (this.shops.has(domain)) throw new StoreError(`shop ${domain} already exists`, 409);
    const plan = input.plan ?? 'standard';
    const shop: ShopState = {
      domain,
      name: input.name ?? domain.replace(/\.myshopify\.com$/, ''),
      email: input.email ?? `owner@${domain}`,
      currency: input.currency ?? 'USD',
      plan,
      appSecret: input.appSecret,
      tokens: new Map((input.tokens ?? []).map((t) => [t.token, { token: t.token, scopes: [...t.scopes] }])),
      bucket: new LeakyBucket(plan, this.now),
      locations: new Map(),
      products: new Map(),
      variants: new Map(),
      inventoryItems: new Map(),
      levels: new Map(),
      orders: new Map(),
      customers: new Map(),
      idempotency: new Map(),
      faults: defaultFaults(),
      counters: emptyCounters(),
      nextId: 1001,
      nextOrderNumber: 1001,
      createdAt: this.nowSeconds(),
    };
    this.shops.set(domain, shop);
    return shop;
  }

  getShop(domain: string): ShopState | undefined {
    return this.shops.get(domain.toLowerCase());
  }

  requireShop(domain: string): ShopState {
    const shop = this.getShop(domain);
    if (!shop) throw new StoreError(`unknown shop ${domain}`, 404);
    return shop;
  }

  deleteShop(domain: string): boolean {
    return this.shops.delete(domain.toLowerCase());
  }

  reset(): void {
    this.shops.clear();
  }

  allocateId(shop: ShopState): number {
    return shop.nextId++;
  }

  setPlan(shop: ShopState, plan: ShopPlan): void {
    shop.plan = plan;
    shop.bucket.setPlan(plan);
  }

  emit(event: Omit<ChangeEvent, 'at'>): void {
    this.events.emit('change', { ...event, at: this.now() } satisfies ChangeEvent);
  }
}

export function levelKey(inventoryItemId: number, locationId: number): string {
  return `${inventoryItemId}:${locationId}`;
}
