// The channel layer's contract: canonical types every adapter produces and consumes, and the
// ChannelAdapter interface with its declared capabilities. Nothing here knows the database or
// Temporal; adapters receive credentials from their caller, never from the environment.
import type { OrderAddress, OrderFinancialStatus as FinancialStatus, OrderFulfillmentStatus as FulfillmentStatus, OrderLineInput } from '../domain/order-intake';
import type { CatalogVariantInput } from '../domain/products';
import type { Capability, ChannelName } from './capabilities';

export * from './capabilities';
export * from './errors';

/** Store identity, used to refuse a second connection to the same store (C-7). */
export interface StoreIdentity {
  /** Stable channel-side key of the store (Shopify: the myshopify.com domain). */
  storeKey: string;
  /** The store's own name, shown as the connection store name (C-1). */
  storeName: string;
}

export interface ConnectionCheck {
  identity: StoreIdentity;
  grantedScopes: string[];
  /** Scopes the requested features need that the credentials lack, by name (C-2). */
  missingScopes: { capability: Capability; scope: string }[];
}

export interface Page<T> {
  items: T[];
  /** Opaque; pass back to get the next page. Null when this was the last page. */
  nextCursor: string | null;
}

/** A variant as the product rules (src/domain/products.ts) read it. */
export type ChannelVariant = CatalogVariantInput;

export interface ChannelProduct {
  channelProductId: string;
  title: string;
  descriptionHtml: string | null;
  vendor: string | null;
  status: 'active' | 'draft' | 'archived';
  imageUrl: string | null;
  updatedAt: string;
  variants: ChannelVariant[];
}

export type ChannelAddress = OrderAddress;

/** The order rules (src/domain) own these vocabularies; adapters map into them. */
export type { OrderFinancialStatus as FinancialStatus, OrderFulfillmentStatus as FulfillmentStatus } from '../domain/order-intake';

/** A line as the order rules (src/domain/order-intake.ts) read it. */
export type ChannelOrderLine = OrderLineInput;

export interface ChannelOrder {
  channelOrderId: string;
  /** What people call the order (Shopify `#1001`). */
  orderNumber: string;
  createdAt: string;
  updatedAt: string;
  cancelledAt: string | null;
  financialStatus: FinancialStatus;
  fulfillmentStatus: FulfillmentStatus;
  tags: string[];
  email: string | null;
  customerName: string | null;
  shippingAddress: ChannelAddress | null;
  /** Channel locations the order is assigned to (OD-9). */
  locationIds: string[];
  lines: ChannelOrderLine[];
  test: boolean;
}

export interface OrderWindow {
  /** Inclusive ISO-8601 lower bound of the channel's updated-at. */
  updatedFrom: string;
  /** Inclusive ISO-8601 upper bound. */
  updatedTo: string;
  cursor?: string | null;
}

export interface ProductQuery {
  /** Only products changed at or after this ISO-8601 time (P-8); omit for the whole catalogue. */
  updatedSince?: string | null;
  cursor?: string | null;
}

export interface Tracking {
  number: string;
  url: string | null;
  company: string | null;
}

export interface FulfillmentRequest {
  channelOrderId: string;
  /** Lines shipped, by the channel's line id. */
  lines: { channelLineId: string; quantity: number }[];
  tracking: Tracking;
  notifyCustomer: boolean;
}

export type FulfillmentResult =
  /** Created now. */
  | { status: 'created'; channelFulfillmentId: string }
  /** The channel already had a fulfillment with this tracking number (S-2): nothing sent. */
  | { status: 'already_sent'; channelFulfillmentId: string };

export interface ChannelLocation {
  channelLocationId: string;
  name: string;
  active: boolean;
}

/** A quantity of one inventory item at one location, as read from or pushed to the channel. */
export interface InventoryQuantity {
  channelInventoryItemId: string;
  channelLocationId: string;
  quantity: number;
}

export type InventoryQuantityName = 'available' | 'on_hand';

export interface InventoryPush {
  /** Which quantity to set (I-4). */
  name: InventoryQuantityName;
  /**
   * Unique per logical push and stable across retries of it (e.g. the push row id); mixed with
   * the content into each batch's idempotency key so a retried activity never applies twice
   * while an identical later push still applies.
   */
  pushId: string;
  quantities: (InventoryQuantity & { /** The value we last read or pushed (compare-and-swap). */ changeFromQuantity: number })[];
}

export type InventoryItemOutcome =
  | { status: 'applied' }
  /** The channel's value moved under us: re-read, recompute, push again (I-4). */
  | { status: 'stale'; message: string }
  | { status: 'rejected'; code: string | null; message: string };

export interface InventoryPushResult {
  /** In the order of `InventoryPush.quantities`. */
  items: (InventoryQuantity & { outcome: InventoryItemOutcome })[];
  mutations: number;
}

/**
 * One adapter per channel connection. Methods that belong to a capability the channel lacks
 * are absent; `capabilities` says which exist, so callers check before calling.
 */
export interface ChannelAdapter {
  readonly channel: ChannelName;
  readonly capabilities: ReadonlySet<Capability>;
  /** Authenticates and lists the scopes the wanted capabilities need but lack (C-2). */
  checkConnection(wanted: readonly Capability[]): Promise<ConnectionCheck>;
  storeIdentity(): Promise<StoreIdentity>;
  fetchProductsPage?(query: ProductQuery): Promise<Page<ChannelProduct>>;
  fetchOrdersPage?(window: OrderWindow): Promise<Page<ChannelOrder>>;
  /** One order by channel id, or null when the channel does not have (or show) it. */
  fetchOrder?(channelOrderId: string): Promise<ChannelOrder | null>;
  sendShipment?(request: FulfillmentRequest): Promise<FulfillmentResult>;
  /** Adds tags (OD-12); answers the order's updated-at after the write, so our own write is not mistaken for a change. */
  tagOrder?(channelOrderId: string, tags: string[]): Promise<{ updatedAt: string | null }>;
  listLocations?(): Promise<ChannelLocation[]>;
  readInventoryLevels?(channelLocationId: string, names: readonly InventoryQuantityName[], cursor?: string | null): Promise<Page<InventoryLevelReading>>;
  /** Current quantities of chosen items at one location (re-read after a stale push, I-4). */
  readInventoryItems?(channelLocationId: string, channelInventoryItemIds: readonly string[], names: readonly InventoryQuantityName[]): Promise<InventoryLevelReading[]>;
  pushInventory?(push: InventoryPush): Promise<InventoryPushResult>;
}

export interface InventoryLevelReading {
  channelInventoryItemId: string;
  channelLocationId: string;
  quantities: Partial<Record<InventoryQuantityName, number>>;
}
