// Access scopes each capability needs (C-2), checked against the scopes Shopify reports for the
// token so missing ones are named before anything runs. test/channels/shopify/documents.test.ts
// derives the scopes every document really touches from the official schema's access table and
// fails when this table falls behind. Shopify treats write_x as including read_x.
import type { Capability } from '../capabilities';
import type { DOCUMENTS } from './documents';

export const REQUIRED_SCOPES: Readonly<Record<Capability, readonly string[]>> = {
  connect: [],
  downloadProducts: ['read_products'],
  downloadOrders: ['read_orders', 'read_merchant_managed_fulfillment_orders', 'read_locations'],
  pendingPaymentHold: ['read_orders'],
  orderUpdates: ['read_orders', 'read_merchant_managed_fulfillment_orders', 'read_locations'],
  sendShipment: ['read_orders', 'write_merchant_managed_fulfillment_orders', 'read_locations'],
  tagOrders: ['write_orders'],
  inventorySync: ['read_locations', 'write_inventory'],
};

/** Which capability's scopes cover each document. */
export const DOCUMENT_CAPABILITY: Readonly<Record<keyof typeof DOCUMENTS & string, Capability>> = {
  CONNECTION_CHECK: 'connect',
  ORDERS_PAGE: 'downloadOrders',
  ORDER: 'downloadOrders',
  FULFILLMENT_STATE: 'sendShipment',
  FULFILLMENT_CREATE: 'sendShipment',
  TAGS_ADD: 'tagOrders',
  PRODUCTS_PAGE: 'downloadProducts',
  PRODUCT_VARIANTS: 'downloadProducts',
  LOCATIONS: 'inventorySync',
  INVENTORY_LEVELS: 'inventorySync',
  INVENTORY_ITEMS_AT_LOCATION: 'inventorySync',
  INVENTORY_SET_QUANTITIES: 'inventorySync',
};

function grants(granted: ReadonlySet<string>, scope: string): boolean {
  if (granted.has(scope)) return true;
  return scope.startsWith('read_') && granted.has(`write_${scope.slice('read_'.length)}`);
}

/** Scopes the wanted capabilities need that `granted` lacks, each named with its capability. */
export function missingScopes(
  wanted: readonly Capability[],
  granted: readonly string[],
): { capability: Capability; scope: string }[] {
  const have = new Set(granted);
  const out: { capability: Capability; scope: string }[] = [];
  for (const capability of new Set(wanted)) {
    for (const scope of REQUIRED_SCOPES[capability]) if (!grants(have, scope)) out.push({ capability, scope });
  }
  return out;
}
