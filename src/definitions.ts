import { defineSearchAttributeKey, SearchAttributeType } from '@temporalio/common';
import { defineQuery, defineSignal, defineUpdate } from '@temporalio/workflow';
import type { ChannelName } from './domain/capabilities';
import type { ConnectionView, SyncStream } from './domain/connection-lifecycle';
import type { OrdersDownloadCounts, OrdersDownloadMode } from './domain/order-download';
import type { ImportStatus } from './domain/order-intake';
import type { HoldReason, OrderStatus } from './domain/order-status';
import type { ProductsDownloadCounts } from './domain/products';

export type { ChannelName } from './domain/capabilities';
export type { ConnectionStatus, ConnectionView, ImportProgress, SyncStream } from './domain/connection-lifecycle';

/**
 * What workflows and their callers (API, CLI, the WMS through src/client.ts) share: task queue,
 * search attributes, and — as workflows land — their signals, updates, queries and id helpers.
 * Imported by workflow code, so it must stay deterministic and free of Node APIs.
 */

export const DEFAULT_TASK_QUEUE = 'storelink';

/** SPEC §9: registered at dev-server start, checked by the worker at start-up, documented for production. */
export const searchAttributes = {
  connectionId: defineSearchAttributeKey('ConnectionId', SearchAttributeType.KEYWORD),
  channel: defineSearchAttributeKey('Channel', SearchAttributeType.KEYWORD),
  storeName: defineSearchAttributeKey('StoreName', SearchAttributeType.KEYWORD),
  orderNumber: defineSearchAttributeKey('OrderNumber', SearchAttributeType.KEYWORD),
  orderStatus: defineSearchAttributeKey('OrderStatus', SearchAttributeType.KEYWORD),
} as const;

export const requiredSearchAttributes = Object.values(searchAttributes);

// ---------------------------------------------------------------------------------------------
// Workflow ids (SPEC §9): readable, one per entity, so a duplicate start is refused by Temporal.

export const workflowIds = {
  connection: (connectionId: string) => `connection:${connectionId}`,
  productsDownload: (connectionId: string) => `products-download:${connectionId}`,
  ordersDownload: (connectionId: string) => `orders-download:${connectionId}`,
  /** The nightly wide-window pass (C-9) and manual date-range re-syncs (OD-11) run beside the poll. */
  ordersReconcile: (connectionId: string) => `orders-reconcile:${connectionId}`,
  order: (connectionId: string, channelOrderId: string) => `order:${connectionId}:${channelOrderId}`,
  /** Re-reads of single orders by id: webhooks (OD-2) and manual re-import (OD-11). */
  orderRefresh: (connectionId: string, channelOrderId: string) => `order-refresh:${connectionId}:${channelOrderId}`,
  /** The connection's inventory loop (I-3): woken by signals, pushes what changed. */
  inventory: (connectionId: string) => `inventory:${connectionId}`,
  /** Hourly and on-demand read of the store's quantities (I-7). */
  inventoryReconcile: (connectionId: string) => `inventory-reconcile:${connectionId}`,
} as const;

/** Workflow type names, for starters that must not import workflow code (API, schedules). */
export const workflowTypes = {
  connection: 'connectionWorkflow',
  productsDownload: 'productsDownloadWorkflow',
  ordersDownload: 'ordersDownloadWorkflow',
  order: 'orderWorkflow',
  orderRefresh: 'orderRefreshWorkflow',
  inventory: 'inventoryWorkflow',
  inventoryReconcile: 'inventoryReconcileWorkflow',
} as const;

/** One Temporal Schedule per connection and stream (C-9). */
export const scheduleIdFor = (connectionId: string, stream: SyncStream) => `connection:${connectionId}:${stream}`;

// ---------------------------------------------------------------------------------------------
// ConnectionWorkflow (one per store connection, long-lived)

export interface ConnectionWorkflowInput {
  connectionId: string;
  channel: ChannelName;
  clientCode: string;
  warehouseCode: string;
  displayName: string | null;
  active: boolean;
  /** carried across continue-as-new; absent on the first run */
  carried?: ConnectionView;
}

export const connectionStateQuery = defineQuery<ConnectionView>('connectionState');
/** Resolves once the credentials check that follows creation or rotation has an outcome. */
export const awaitCredentialsCheckUpdate = defineUpdate<ConnectionView>('awaitCredentialsCheck');
/** C-3: run the initial import. Refused (validator) unless credentials are valid and setup is not done. */
export const finishSetupUpdate = defineUpdate<ConnectionView>('finishSetup');
/** C-6: new settings, validated against the channel's capabilities; errors name the field. */
export const updateSettingsUpdate = defineUpdate<ConnectionView, [unknown]>('updateSettings');
/** C-2/C-5: the API stored new credentials as pending; validate them and switch over, or refuse. */
export const rotateCredentialsUpdate = defineUpdate<ConnectionView>('rotateCredentials');
/** C-4: activate (true) or deactivate (false): every schedule is paused or resumed. */
export const setActiveUpdate = defineUpdate<ConnectionView, [boolean]>('setActive');
/** C-8: delete schedules, stop syncing; the data stays for audit. */
export const disconnectUpdate = defineUpdate<ConnectionView>('disconnect');
/** C-9: trigger a stream's schedule now. */
export const runStreamNowUpdate = defineUpdate<ConnectionView, [SyncStream]>('runStreamNow');
/** C-5: any workflow of the connection tells it the channel refused its credentials. */
/** Progress of a stream's initial import, from the child workflow doing it (C-3). */
export const importProgressSignal = defineSignal<[{ stream: 'products' | 'orders'; done: number; total: number | null }]>('importProgress');
export const credentialsRejectedSignal = defineSignal<[{ message: string; source: string }]>('credentialsRejected');

// ---------------------------------------------------------------------------------------------
// productsDownloadWorkflow (`products-download:{connectionId}`, by schedule and as the initial import)

export type ProductsDownloadState = 'starting' | 'downloading' | 'finishing' | 'completed' | 'skipped';

export interface ProductsDownloadProgress {
  connectionId: string;
  state: ProductsDownloadState;
  updatedSince: string | null;
  startedAt: string;
  counts: ProductsDownloadCounts;
}

export interface ProductsDownloadSummary extends ProductsDownloadProgress {
  state: 'completed' | 'skipped';
  reason: string | null;
  unlinkedListings: number;
  finishedAt: string;
}

/** Progress of the current run (pages, products seen/created/updated, warnings). */
export const productsDownloadProgressQuery = defineQuery<ProductsDownloadProgress>('productsDownloadProgress');

// ---------------------------------------------------------------------------------------------
// ordersDownloadWorkflow (`orders-download:{connectionId}` by schedule, `orders-reconcile:…` for wide windows)

export type { OrdersDownloadCounts, OrdersDownloadMode } from './domain/order-download';


export interface OrdersDownloadProgress {
  connectionId: string;
  mode: OrdersDownloadMode['kind'];
  state: 'starting' | 'downloading' | 'completed' | 'skipped';
  window: { updatedFrom: string; updatedTo: string } | null;
  counts: OrdersDownloadCounts;
  reason: string | null;
}

export const ordersDownloadProgressQuery = defineQuery<OrdersDownloadProgress>('ordersDownloadProgress');

// ---------------------------------------------------------------------------------------------
// orderWorkflow (`order:{connectionId}:{channelOrderId}`): one per order, from import to shipped or cancelled

export interface OrderWorkflowInput {
  /** Storelink's order id (database). The workflow carries ids and status only: customer data stays in the database. */
  orderId: string;
  connectionId: string;
  channelOrderId: string;
  orderNumber: string;
  status: ImportStatus;
  holdReason: HoldReason | null;
  /** OD-4: payment not captured yet; a released hold then waits for it. */
  awaitingPayment: boolean;
  /** O-4: `wms_manual` orders were created in the WMS (never downloaded): the WMS has them, and the store gets no shipment info. Default `channel`. */
  origin?: 'channel' | 'wms_manual';
  /** OD-4: warn ops when an order has waited for payment this long (hours). */
  pendingPaymentWarnHours: number;
  /** Set by the workflow when it continues as new. */
  carried?: OrderView;
}

export type ShipmentSendStatus = 'pending' | 'sent' | 'not_eligible' | 'rejected' | 'failed';

export interface ShipmentPosted {
  /** The WMS's id: posting the same shipment twice has no effect (O-3). */
  wmsShipmentId: string;
  carrier: string | null;
  service: string | null;
  trackingNumbers: string[];
  trackingUrl: string | null;
  /** ISO-8601 */
  shippedAt: string;
  lines: { sku: string; quantity: number }[];
}

export interface ShipmentView {
  wmsShipmentId: string;
  status: ShipmentSendStatus;
  message: string | null;
  channelFulfillmentId: string | null;
}

export interface OrderView {
  orderId: string;
  connectionId: string;
  orderNumber: string;
  status: OrderStatus;
  holdReason: HoldReason | null;
  awaitingPayment: boolean;
  /** Released to the WMS (O-1) at least once. */
  released: boolean;
  /** O-4: the WMS changed the order's lines, so its shipments no longer match the store order. */
  linesChangedInWms?: boolean;
  /** The newest channel version the workflow has applied (OD-1). */
  channelUpdatedAt: string | null;
  shipments: ShipmentView[];
}

/** A re-downloaded change of the order, decided by the download path against the stored order (OD-8, O-5). */
export type ChannelOrderChange =
  | { type: 'cancelled' }
  /** Fields changed while the order was not started; `status` present when holds or payment moved. */
  | { type: 'changed'; status?: ImportStatus; holdReason?: HoldReason | null; awaitingPayment: boolean; fieldsChanged: boolean };

export const orderStateQuery = defineQuery<OrderView>('orderState');
/** From the download path, newest channel version first-come: an older version than the applied one is ignored. */
export const channelOrderChangedSignal = defineSignal<[{ channelUpdatedAt: string; change: ChannelOrderChange }]>('channelOrderChanged');
/**
 * O-2: WMS progress; `lines_changed` (O-4) says the WMS edited the order's lines, after which its
 * shipments are recorded but not sent to the store. Refused (validator) when the order was never
 * released or is closed.
 */
export const wmsProgressUpdate = defineUpdate<OrderView, [{ type: WmsProgressType }]>('wmsProgress');
export const WMS_PROGRESS_TYPES = ['started', 'picked', 'packed', 'lines_changed'] as const;
export type WmsProgressType = (typeof WMS_PROGRESS_TYPES)[number];
/** O-3: a WMS shipment; the same wmsShipmentId twice changes nothing. Sent to the channel at once (S-1). */
export const postShipmentUpdate = defineUpdate<ShipmentView, [ShipmentPosted]>('postShipment');
/** O-7: ops release a hold (an order still awaiting payment goes back to waiting for it). */
export const releaseHoldUpdate = defineUpdate<OrderView, [{ by: string }]>('releaseHold');
/** O-7: ops cancel; the WMS is told when it had the order. Never sent to the store (O-5). */
export const cancelOrderUpdate = defineUpdate<OrderView, [{ by: string; reason: string }]>('cancelOrder');
/** O-7 / S-5: send a rejected or failed shipment again (after a fix on the channel). */
export const resendShipmentUpdate = defineUpdate<ShipmentView, [{ wmsShipmentId: string; by: string }]>('resendShipment');

// ---------------------------------------------------------------------------------------------
// orderRefreshWorkflow (`order-refresh:{connectionId}:{channelOrderId}`): re-read one order by id

/** Another hint arrived (webhook, re-import): read the order once more after the current read. */
export const orderRefreshRequestedSignal = defineSignal<[{ source: string }]>('orderRefreshRequested');

// ---------------------------------------------------------------------------------------------
// inventoryWorkflow (`inventory:{connectionId}`): one loop per connection with inventory sync on

/** I-3, N-8: the default coalescing window of the inventory loops (INVENTORY_COALESCE_MS). */
export const DEFAULT_INVENTORY_COALESCE_MS = 1000;

export interface InventoryWorkflowInput {
  connectionId: string;
  /** I-3: changes arriving within this window become one push. */
  coalesceMs: number;
  /** Continue as new after this many loop turns (tests); by default when Temporal suggests it. */
  cyclesPerRun?: number;
  /** Set by the workflow when it continues as new: its view, and whether a wake-up was pending. */
  carried?: InventoryView;
  woken?: boolean;
}

/** What one push cycle did (counts over listing × location quantities). */
export interface InventoryPushReport {
  /** ISO-8601 time the cycle finished */
  at: string;
  examined: number;
  pushed: number;
  unchanged: number;
  skipped: number;
  /** compare-and-swap refused: the store moved; re-read and retried after pending orders land (I-4) */
  stale: number;
  /** refused by the store for another reason: in the error queue */
  rejected: number;
  mutations: number;
}

export interface InventoryBacklog {
  /** dirty listings ready to push */
  ready: number;
  /** dirty listings waiting after a stale push */
  waiting: number;
  nextRetryInMs: number | null;
}

export type InventoryLoopState = 'idle' | 'coalescing' | 'pushing' | 'paused' | 'stopped';

export interface InventoryView {
  connectionId: string;
  state: InventoryLoopState;
  /** ISO-8601 time the loop entered its state (E-4: a loop pushing or idle too long is stuck) */
  stateSince: string | null;
  /** why the loop does not push (connection inactive, sync turned off), else null */
  reason: string | null;
  backlog: InventoryBacklog;
  lastPush: InventoryPushReport | null;
  totals: { cycles: number; pushed: number; mutations: number };
}

/** A loop that has not pushed yet. */
export function emptyInventoryView(connectionId: string): InventoryView {
  return {
    connectionId,
    state: 'idle',
    stateSince: null,
    reason: null,
    backlog: { ready: 0, waiting: 0, nextRetryInMs: null },
    lastPush: null,
    totals: { cycles: 0, pushed: 0, mutations: 0 },
  };
}

/** I-3: listings of the connection became dirty; the loop wakes, waits the coalescing window and pushes. */
export const inventoryDirtySignal = defineSignal<[{ reason: string }]>('inventoryDirty');
export const inventoryStateQuery = defineQuery<InventoryView>('inventoryState');

// inventoryReconcileWorkflow (`inventory-reconcile:{connectionId}`, hourly schedule and on demand)

export interface InventoryDrift {
  sku: string;
  channelLocationId: string;
  /** what the store showed */
  channel: number;
  /** what it should show */
  expected: number;
}

export interface InventoryReconcileSummary {
  connectionId: string;
  state: 'completed' | 'skipped';
  reason: string | null;
  read: number;
  /** quantities that differed from what the store should show, all marked for the loop to correct */
  drifted: number;
  /** the first few, for the summary and the event */
  examples: InventoryDrift[];
}
