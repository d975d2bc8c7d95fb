import { sql } from 'drizzle-orm';
import {
  bigserial,
  boolean,
  check,
  index,
  integer,
  jsonb,
  numeric,
  pgEnum,
  pgTable,
  primaryKey,
  text,
  timestamp,
  uniqueIndex,
  uuid,
} from 'drizzle-orm/pg-core';
import { CHANNELS } from '../domain/capabilities';
import { CONNECTION_STATUSES } from '../domain/connection-lifecycle';
import { ORDER_STATUSES } from '../domain/order-status';

/** SPEC §10. Unique keys carry idempotency; every timestamp is timestamptz; statuses are enums. */

const timestamptz = (name: string) => timestamp(name, { withTimezone: true, mode: 'date' });
const createdAt = () => timestamptz('created_at').notNull().defaultNow();
const updatedAt = () => timestamptz('updated_at').notNull().defaultNow();

// The vocabularies are the domain's; the enums store them.
export const channel = pgEnum('channel', CHANNELS);
export const connectionStatus = pgEnum('connection_status', CONNECTION_STATUSES);
export const orderStatus = pgEnum('order_status', ORDER_STATUSES);
export const orderOrigin = pgEnum('order_origin', ['channel', 'wms_manual']);
export const shipmentStatus = pgEnum('shipment_status', ['pending', 'sent', 'not_eligible', 'rejected', 'failed']);
export const syncStream = pgEnum('sync_stream', ['orders', 'products', 'inventory', 'order_reconcile']);
export const eventSeverity = pgEnum('event_severity', ['info', 'warning', 'error']);
export const errorCategory = pgEnum('error_category', ['transient', 'data', 'auth', 'permanent']);
export const entityType = pgEnum('entity_type', ['connection', 'order', 'product', 'listing', 'shipment', 'inventory']);

export const connections = pgTable(
  'connections',
  {
    id: uuid('id').primaryKey().defaultRandom(),
    channel: channel('channel').notNull(),
    clientCode: text('client_code').notNull(),
    warehouseCode: text('warehouse_code').notNull(),
    /** the channel's own identity of the store (shop domain, seller id + marketplace, …): C-7 */
    storeIdentity: text('store_identity'),
    /** read from the channel, never editable (C-1) */
    storeName: text('store_name'),
    displayName: text('display_name'),
    status: connectionStatus('status').notNull().default('draft'),
    statusReason: text('status_reason'),
    active: boolean('active').notNull().default(true),
    settings: jsonb('settings').notNull().default({}),
    createdAt: createdAt(),
    updatedAt: updatedAt(),
  },
  (t) => [
    // C-7: one live connection per store; a disconnected one keeps its row for audit.
    uniqueIndex('connections_store_identity_key')
      .on(t.channel, t.storeIdentity)
      .where(sql`${t.status} <> 'disconnected' and ${t.storeIdentity} is not null`),
  ],
);

export const connectionCredentials = pgTable('connection_credentials', {
  connectionId: uuid('connection_id')
    .primaryKey()
    .references(() => connections.id, { onDelete: 'cascade' }),
  /** AES-256-GCM envelope (src/security/secret-box.ts); never plaintext */
  ciphertext: text('ciphertext').notNull(),
  keyId: text('key_id').notNull(),
  /** expiry the channel told us (Amazon: 12 months), for C-5 warnings */
  expiresAt: timestamptz('expires_at'),
  /** rotated-in credentials awaiting validation; promoted or discarded, never used before (C-2) */
  pendingCiphertext: text('pending_ciphertext'),
  pendingKeyId: text('pending_key_id'),
  pendingExpiresAt: timestamptz('pending_expires_at'),
  createdAt: createdAt(),
  rotatedAt: timestamptz('rotated_at'),
});

export const products = pgTable(
  'products',
  {
    id: uuid('id').primaryKey().defaultRandom(),
    clientCode: text('client_code').notNull(),
    sku: text('sku').notNull(),
    name: text('name').notNull(),
    description: text('description'),
    upc: text('upc'),
    price: numeric('price', { precision: 14, scale: 4 }),
    imageUrls: jsonb('image_urls').$type<string[]>().notNull().default([]),
    isKit: boolean('is_kit').notNull().default(false),
    createdAt: createdAt(),
    updatedAt: updatedAt(),
  },
  (t) => [uniqueIndex('products_client_sku_key').on(t.clientCode, t.sku)],
);

export const kitComponents = pgTable(
  'kit_components',
  {
    kitProductId: uuid('kit_product_id')
      .notNull()
      .references(() => products.id, { onDelete: 'cascade' }),
    componentProductId: uuid('component_product_id')
      .notNull()
      .references(() => products.id),
    quantity: integer('quantity').notNull(),
  },
  (t) => [
    primaryKey({ columns: [t.kitProductId, t.componentProductId] }),
    check('kit_components_quantity_positive', sql`${t.quantity} > 0`),
    check('kit_components_not_self', sql`${t.kitProductId} <> ${t.componentProductId}`),
  ],
);

export const listings = pgTable(
  'listings',
  {
    id: uuid('id').primaryKey().defaultRandom(),
    connectionId: uuid('connection_id')
      .notNull()
      .references(() => connections.id),
    /** the channel's item id (Shopify variant, Amazon seller SKU, …) */
    channelItemId: text('channel_item_id').notNull(),
    channelProductId: text('channel_product_id'),
    channelInventoryItemId: text('channel_inventory_item_id'),
    channelSku: text('channel_sku'),
    title: text('title'),
    /** null: unlinked, sync skipped and reported (P-6) */
    productId: uuid('product_id').references(() => products.id),
    neverSync: boolean('never_sync').notNull().default(false),
    inventoryTracked: boolean('inventory_tracked').notNull().default(true),
    /**
     * I-3: every change that may move the listing's quantity adds 1; a push records the
     * generation it computed from. Dirty while dirty > pushed, so a change during a push is
     * never cleared by it (counters, not flags: concurrent marks never lose one).
     */
    inventoryDirtyGeneration: integer('inventory_dirty_generation').notNull().default(0),
    inventoryPushedGeneration: integer('inventory_pushed_generation').notNull().default(0),
    /** I-4: after a stale compare-and-swap the push waits for pending orders to land until then. */
    inventoryRetryAfter: timestamptz('inventory_retry_after'),
    /** I-5: why the last evaluation did not sync this listing (null: synced). */
    inventorySkipReason: text('inventory_skip_reason'),
    createdAt: createdAt(),
    updatedAt: updatedAt(),
  },
  (t) => [
    uniqueIndex('listings_connection_item_key').on(t.connectionId, t.channelItemId),
    index('listings_product_idx').on(t.productId),
    index('listings_inventory_dirty_idx')
      .on(t.connectionId, t.id)
      .where(sql`${t.inventoryDirtyGeneration} > ${t.inventoryPushedGeneration}`),
  ],
);

/** I-4: per listing and channel location, what the store holds as far as we know and what we pushed. */
export const listingStock = pgTable(
  'listing_stock',
  {
    listingId: uuid('listing_id')
      .notNull()
      .references(() => listings.id, { onDelete: 'cascade' }),
    channelLocationId: text('channel_location_id').notNull(),
    /** The store's quantity we last read or pushed: the compare-and-swap base of the next push. */
    channelQuantity: integer('channel_quantity'),
    channelQuantitySource: text('channel_quantity_source', { enum: ['read', 'pushed'] }),
    channelQuantityAt: timestamptz('channel_quantity_at'),
    lastPushedQuantity: integer('last_pushed_quantity'),
    lastPushedAt: timestamptz('last_pushed_at'),
    /** The numbers the last pushed quantity was computed from, for explain (I-5). */
    lastPushInputs: jsonb('last_push_inputs'),
  },
  (t) => [primaryKey({ columns: [t.listingId, t.channelLocationId] })],
);

export const inventoryLevels = pgTable(
  'inventory_levels',
  {
    productId: uuid('product_id')
      .notNull()
      .references(() => products.id),
    warehouseCode: text('warehouse_code').notNull(),
    onHand: integer('on_hand').notNull(),
    allocated: integer('allocated').notNull().default(0),
    /** the WMS's time of this level; orders after it are in flight (I-1) */
    asOf: timestamptz('as_of').notNull(),
    updatedAt: updatedAt(),
  },
  (t) => [
    primaryKey({ columns: [t.productId, t.warehouseCode] }),
    check('inventory_levels_on_hand_not_negative', sql`${t.onHand} >= 0`),
    check('inventory_levels_allocated_not_negative', sql`${t.allocated} >= 0`),
  ],
);

export const orders = pgTable(
  'orders',
  {
    id: uuid('id').primaryKey().defaultRandom(),
    connectionId: uuid('connection_id')
      .notNull()
      .references(() => connections.id),
    channelOrderId: text('channel_order_id').notNull(),
    orderNumber: text('order_number').notNull(),
    origin: orderOrigin('origin').notNull().default('channel'),
    status: orderStatus('status').notNull(),
    holdReason: text('hold_reason'),
    financialStatus: text('financial_status'),
    fulfillmentStatus: text('fulfillment_status'),
    locationId: text('location_id'),
    tags: jsonb('tags').$type<string[]>().notNull().default([]),
    /** the channel's last-modified time of the version stored: dedupe key with channelOrderId (OD-1) */
    channelUpdatedAt: timestamptz('channel_updated_at').notNull(),
    channelCreatedAt: timestamptz('channel_created_at'),
    // PII, purged piiRetentionDays after the terminal state
    customerName: text('customer_name'),
    customerEmail: text('customer_email'),
    customerPhone: text('customer_phone'),
    shippingAddress: jsonb('shipping_address'),
    piiPurgedAt: timestamptz('pii_purged_at'),
    /** O-4: lines changed in the WMS after download make the order ineligible for shipment info */
    linesChangedInWms: boolean('lines_changed_in_wms').notNull().default(false),
    releasedAt: timestamptz('released_at'),
    /** set once the order workflow was started: a retried intake that finds it unset starts it (OD-10) */
    workflowStartedAt: timestamptz('workflow_started_at'),
    wmsStartedAt: timestamptz('wms_started_at'),
    terminalAt: timestamptz('terminal_at'),
    createdAt: createdAt(),
    updatedAt: updatedAt(),
  },
  (t) => [
    uniqueIndex('orders_connection_channel_order_key').on(t.connectionId, t.channelOrderId),
    index('orders_status_updated_idx').on(t.status, t.updatedAt),
    index('orders_connection_number_idx').on(t.connectionId, t.orderNumber),
  ],
);

export const orderLines = pgTable(
  'order_lines',
  {
    id: uuid('id').primaryKey().defaultRandom(),
    orderId: uuid('order_id')
      .notNull()
      .references(() => orders.id, { onDelete: 'cascade' }),
    channelLineId: text('channel_line_id').notNull(),
    sku: text('sku'),
    productId: uuid('product_id').references(() => products.id),
    title: text('title'),
    quantity: integer('quantity').notNull(),
    /** units the warehouse ships for this line: 0 for lines left out under `partial` (OD-6) or removed */
    quantityToShip: integer('quantity_to_ship').notNull().default(0),
    unitPrice: numeric('unit_price', { precision: 14, scale: 4 }),
  },
  (t) => [
    uniqueIndex('order_lines_order_channel_line_key').on(t.orderId, t.channelLineId),
    check('order_lines_quantity_not_negative', sql`${t.quantity} >= 0`),
    check('order_lines_quantity_to_ship_valid', sql`${t.quantityToShip} >= 0 and ${t.quantityToShip} <= ${t.quantity}`),
  ],
);

export const shipments = pgTable(
  'shipments',
  {
    id: uuid('id').primaryKey().defaultRandom(),
    orderId: uuid('order_id')
      .notNull()
      .references(() => orders.id),
    /** the WMS's id: posting the same shipment twice has no effect (O-3) */
    wmsShipmentId: text('wms_shipment_id').notNull(),
    carrier: text('carrier'),
    service: text('service'),
    trackingNumbers: jsonb('tracking_numbers').$type<string[]>().notNull().default([]),
    trackingUrl: text('tracking_url'),
    shippedAt: timestamptz('shipped_at').notNull(),
    status: shipmentStatus('status').notNull().default('pending'),
    statusMessage: text('status_message'),
    channelFulfillmentId: text('channel_fulfillment_id'),
    sentAt: timestamptz('sent_at'),
    createdAt: createdAt(),
    updatedAt: updatedAt(),
  },
  (t) => [uniqueIndex('shipments_order_wms_shipment_key').on(t.orderId, t.wmsShipmentId)],
);

export const shipmentLines = pgTable(
  'shipment_lines',
  {
    id: uuid('id').primaryKey().defaultRandom(),
    shipmentId: uuid('shipment_id')
      .notNull()
      .references(() => shipments.id, { onDelete: 'cascade' }),
    sku: text('sku').notNull(),
    quantity: integer('quantity').notNull(),
    orderLineId: uuid('order_line_id').references(() => orderLines.id),
  },
  (t) => [
    uniqueIndex('shipment_lines_shipment_sku_key').on(t.shipmentId, t.sku),
    check('shipment_lines_quantity_positive', sql`${t.quantity} > 0`),
  ],
);

export const syncCursors = pgTable(
  'sync_cursors',
  {
    connectionId: uuid('connection_id')
      .notNull()
      .references(() => connections.id),
    stream: syncStream('stream').notNull(),
    /** high-water mark of the channel's last-modified time, committed after the page is stored (OD-1) */
    highWaterAt: timestamptz('high_water_at'),
    /** channel-specific opaque position, when the channel has one */
    position: text('position'),
    updatedAt: updatedAt(),
  },
  (t) => [primaryKey({ columns: [t.connectionId, t.stream] })],
);

export const integrationEvents = pgTable(
  'integration_events',
  {
    id: bigserial('id', { mode: 'number' }).primaryKey(),
    connectionId: uuid('connection_id').references(() => connections.id),
    stream: syncStream('stream'),
    entityType: entityType('entity_type').notNull(),
    entityId: text('entity_id'),
    severity: eventSeverity('severity').notNull(),
    category: errorCategory('category'),
    code: text('code').notNull(),
    message: text('message').notNull(),
    details: jsonb('details').notNull().default({}),
    /** same-cause errors share a key and are counted, not repeated (E-2) */
    groupKey: text('group_key'),
    occurrences: integer('occurrences').notNull().default(1),
    createdAt: createdAt(),
    lastSeenAt: timestamptz('last_seen_at').notNull().defaultNow(),
    resolvedAt: timestamptz('resolved_at'),
  },
  (t) => [
    index('integration_events_connection_created_idx').on(t.connectionId, t.createdAt),
    index('integration_events_open_errors_idx').on(t.severity, t.resolvedAt),
    uniqueIndex('integration_events_open_group_key').on(t.groupKey).where(sql`${t.resolvedAt} is null`),
    check('integration_events_occurrences_positive', sql`${t.occurrences} > 0`),
  ],
);

export const webhookReceipts = pgTable(
  'webhook_receipts',
  {
    id: uuid('id').primaryKey().defaultRandom(),
    channel: channel('channel').notNull(),
    /** the channel's event id (Shopify X-Shopify-Event-Id): a duplicate delivery changes nothing (OD-2) */
    eventId: text('event_id').notNull(),
    topic: text('topic').notNull(),
    storeIdentity: text('store_identity').notNull(),
    connectionId: uuid('connection_id').references(() => connections.id),
    receivedAt: timestamptz('received_at').notNull().defaultNow(),
    processedAt: timestamptz('processed_at'),
  },
  (t) => [uniqueIndex('webhook_receipts_channel_event_key').on(t.channel, t.eventId)],
);

export const apiTokens = pgTable('api_tokens', {
  /** public part of the token (`slk_<id>_<secret>`), used to find the row */
  id: text('id').primaryKey(),
  name: text('name').notNull(),
  /** SHA-256 of the secret part; the token itself is shown once and never stored */
  secretHash: text('secret_hash').notNull(),
  createdAt: createdAt(),
  lastUsedAt: timestamptz('last_used_at'),
  revokedAt: timestamptz('revoked_at'),
});
