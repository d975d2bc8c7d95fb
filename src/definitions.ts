import { defineSearchAttributeKey, SearchAttributeType } from '@temporalio/common';

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
