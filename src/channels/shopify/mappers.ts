// Shopify GraphQL shapes → the channel layer's canonical types.
import type {
  ChannelAddress,
  ChannelOrder,
  ChannelOrderLine,
  ChannelProduct,
  ChannelVariant,
  FinancialStatus,
  FulfillmentStatus,
} from '../types';
import { DataError } from '../errors';
import type { ShopifyOrderNode, ShopifyProductNode, ShopifyVariantNode } from './responses';

const FINANCIAL: Record<string, FinancialStatus> = {
  PENDING: 'pending',
  AUTHORIZED: 'authorized',
  PARTIALLY_PAID: 'partially_paid',
  PAID: 'paid',
  PARTIALLY_REFUNDED: 'partially_refunded',
  REFUNDED: 'refunded',
  VOIDED: 'voided',
  EXPIRED: 'expired',
};

const FULFILLMENT: Record<string, FulfillmentStatus> = {
  UNFULFILLED: 'unfulfilled',
  PARTIALLY_FULFILLED: 'partially_fulfilled',
  FULFILLED: 'fulfilled',
  SCHEDULED: 'scheduled',
  ON_HOLD: 'on_hold',
};

type OrderAddress = ShopifyOrderNode['shippingAddress'];
type OrderFulfillmentOrders = ShopifyOrderNode['fulfillmentOrders']['nodes'];
type OrderLineNode = ShopifyOrderNode['lineItems']['nodes'][number];

function address(a: OrderAddress): ChannelAddress | null {
  if (!a) return null;
  return {
    name: a.name,
    company: a.company,
    address1: a.address1,
    address2: a.address2,
    city: a.city,
    provinceCode: a.provinceCode,
    countryCode: a.countryCodeV2,
    zip: a.zip,
    phone: a.phone,
  };
}

/**
 * Shopify reports scheduled / on-hold work on fulfillment orders, not on the order: an order
 * whose open fulfillment orders are all scheduled (or on hold) is not ready for the warehouse.
 */
function fulfillmentStatus(display: string, fulfillmentOrders: OrderFulfillmentOrders): FulfillmentStatus {
  const base = FULFILLMENT[display] ?? 'unknown';
  if (base !== 'unfulfilled') return base;
  const open = fulfillmentOrders.filter((fo) => fo.status !== 'CLOSED' && fo.status !== 'CANCELLED');
  if (open.length > 0 && open.every((fo) => fo.status === 'ON_HOLD')) return 'on_hold';
  if (open.length > 0 && open.every((fo) => fo.status === 'SCHEDULED')) return 'scheduled';
  return base;
}

export function toOrderLine(line: OrderLineNode): ChannelOrderLine {
  return {
    channelLineId: line.id,
    sku: line.sku,
    title: line.title,
    quantity: line.currentQuantity,
    unfulfilledQuantity: line.unfulfilledQuantity,
    requiresShipping: line.requiresShipping,
  };
}

/** Order header fields common to the list page and the single-order read. */
export type OrderHeader = Omit<ShopifyOrderNode, 'lineItems'>;

export function toChannelOrder(order: OrderHeader, lines: ChannelOrderLine[]): ChannelOrder {
  const locationIds = [
    ...new Set(order.fulfillmentOrders.nodes.map((fo) => fo.assignedLocation.location?.id).filter((id): id is string => !!id)),
  ];
  const shipping = address(order.shippingAddress);
  return {
    channelOrderId: order.id,
    orderNumber: order.name,
    createdAt: order.createdAt,
    updatedAt: order.updatedAt,
    cancelledAt: order.cancelledAt,
    financialStatus: FINANCIAL[order.displayFinancialStatus ?? ''] ?? 'unknown',
    fulfillmentStatus: fulfillmentStatus(order.displayFulfillmentStatus, order.fulfillmentOrders.nodes),
    tags: order.tags,
    email: order.email,
    customerName: shipping?.name ?? null,
    shippingAddress: shipping,
    locationIds,
    lines,
    test: order.test,
  };
}

export function toChannelVariant(v: ShopifyVariantNode): ChannelVariant {
  return {
    channelVariantId: v.id,
    channelInventoryItemId: v.inventoryItem.id,
    sku: v.sku,
    title: v.title,
    barcode: v.barcode,
    price: v.price,
    inventoryTracked: v.inventoryItem.tracked,
  };
}

export function toChannelProduct(p: ShopifyProductNode, variants: ChannelVariant[]): ChannelProduct {
  return {
    channelProductId: p.id,
    title: p.title,
    descriptionHtml: p.descriptionHtml,
    vendor: p.vendor,
    status: p.status === 'ACTIVE' ? 'active' : p.status === 'ARCHIVED' ? 'archived' : 'draft',
    imageUrl: p.featuredMedia?.preview?.image?.url ?? null,
    updatedAt: p.updatedAt,
    variants,
  };
}

/** Numeric id behind a gid (`gid://shopify/Product/123` → `123`), for search queries. */
export function legacyId(gid: string): string {
  const id = /\/(\d+)(?:\?.*)?$/.exec(gid)?.[1];
  if (!id) throw new DataError(`not a Shopify id: ${gid}`);
  return id;
}
