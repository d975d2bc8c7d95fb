import { defineSearchAttributeKey, SearchAttributeType } from '@temporalio/common';
import { defineQuery, defineSignal, defineUpdate } from '@temporalio/workflow';
import type { ChannelName } from './domain/capabilities';
import type { ConnectionView, SyncStream } from './domain/connection-lifecycle';
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
} as const;

/** Workflow type names, for starters that must not import workflow code (API, schedules). */
export const workflowTypes = {
  connection: 'connectionWorkflow',
  productsDownload: 'productsDownloadWorkflow',
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
