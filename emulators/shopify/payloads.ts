// REST-style JSON bodies, as Shopify sends them in webhooks (numeric `id`,
// `admin_graphql_api_id`, snake_case, lowercase statuses, money as strings). The admin API
// returns the same shapes so tests read back exactly what a webhook would carry.
import { gid } from './ids';
import { quantityOf } from './inventory';
import { displayFulfillmentStatus, fulfilledQuantity } from './orders';
import type { Address, Fulfillment, InventoryLevel, Order, Product, ShopState } from './store';

/** Shopify REST timestamps carry the shop's UTC offset; emulated shops run on UTC. */
export function restTime(ms: number | null): string | null {
  if (ms === null) return null;
  return new Date(ms).toISOString().replace(/\.\d{3}Z$/, '+00:00');
}

function restAddress(a: Address | null): Record<string, unknown> | null {
  if (!a) return null;
  return {
    first_name: a.firstName ?? null,
    last_name: a.lastName ?? null,
    name: [a.firstName, a.lastName].filter(Boolean).join(' ') || null,
    company: a.company ?? null,
    address1: a.address1 ?? null,
    address2: a.address2 ?? null,
    city: a.city ?? null,
    province: a.province ?? null,
    province_code: a.provinceCode ?? null,
    country: a.country ?? null,
    country_code: a.countryCode ?? null,
    zip: a.zip ?? null,
    phone: a.phone ?? null,
  };
}

function restFulfillmentStatus(order: Order): string | null {
  const s = displayFulfillmentStatus(order);
  return s === 'FULFILLED' ? 'fulfilled' : s === 'PARTIALLY_FULFILLED' ? 'partial' : null;
}

export function fulfillmentPayload(order: Order, f: Fulfillment): Record<string, unknown> {
  const first = f.tracking[0];
  return {
    id: f.id,
    admin_graphql_api_id: gid('Fulfillment', f.id),
    order_id: order.id,
    name: f.name,
    status: f.status.toLowerCase(),
    location_id: f.locationId,
    created_at: restTime(f.createdAt),
    updated_at: restTime(f.updatedAt),
    notify_customer: f.notifyCustomer,
    tracking_company: first?.company ?? null,
    tracking_number: first?.number ?? null,
    tracking_numbers: f.tracking.map((t) => t.number).filter((n): n is string => n !== null),
    tracking_url: first?.url ?? null,
    tracking_urls: f.tracking.map((t) => t.url).filter((u): u is string => u !== null),
    line_items: f.lineItems.map((l) => {
      const li = order.lineItems.find((x) => x.id === l.lineItemId);
      return { id: l.lineItemId, sku: li?.sku ?? null, quantity: l.quantity, fulfillment_order_id: l.fulfillmentOrderId };
    }),
  };
}

export function orderPayload(shop: ShopState, order: Order): Record<string, unknown> {
  const subtotal = order.lineItems.reduce((n, l) => n + Number(l.price) * l.currentQuantity, 0);
  const shipping = order.shippingLine ? Number(order.shippingLine.price) : 0;
  return {
    id: order.id,
    admin_graphql_api_id: gid('Order', order.id),
    name: order.name,
    order_number: order.number,
    number: order.number - 1000,
    email: order.email,
    contact_email: order.email,
    phone: order.phone,
    created_at: restTime(order.createdAt),
    updated_at: restTime(order.updatedAt),
    processed_at: restTime(order.processedAt),
    cancelled_at: restTime(order.cancelledAt),
    cancel_reason: order.cancelReason?.toLowerCase() ?? null,
    closed_at: restTime(order.closedAt),
    financial_status: order.financialStatus.toLowerCase(),
    fulfillment_status: restFulfillmentStatus(order),
    currency: order.currency,
    presentment_currency: order.currency,
    subtotal_price: subtotal.toFixed(2),
    total_price: (subtotal + shipping).toFixed(2),
    total_tax: '0.00',
    tags: order.tags.join(', '),
    note: order.note,
    test: order.test,
    confirmed: true,
    source_name: 'web',
    order_status_url: `https://${shop.domain}/orders/${order.id}/authenticate`,
    customer: order.customer
      ? {
          id: order.customer.id,
          admin_graphql_api_id: gid('Customer', order.customer.id),
          email: order.customer.email,
          first_name: order.customer.firstName,
          last_name: order.customer.lastName,
          phone: order.customer.phone,
        }
      : null,
    shipping_address: restAddress(order.shippingAddress),
    billing_address: restAddress(order.billingAddress),
    shipping_lines: order.shippingLine
      ? [{ title: order.shippingLine.title, code: order.shippingLine.code, price: order.shippingLine.price }]
      : [],
    line_items: order.lineItems.map((li) => {
      const fulfilled = fulfilledQuantity(order, li.id);
      const variant = li.variantId ? shop.variants.get(li.variantId) : undefined;
      return {
        id: li.id,
        admin_graphql_api_id: gid('LineItem', li.id),
        variant_id: li.variantId,
        product_id: li.productId,
        inventory_item_id: variant?.inventoryItemId ?? null,
        sku: li.sku,
        title: li.title,
        variant_title: li.variantTitle,
        name: li.variantTitle ? `${li.title} - ${li.variantTitle}` : li.title,
        vendor: li.vendor,
        quantity: li.quantity,
        current_quantity: li.currentQuantity,
        fulfillable_quantity: order.cancelledAt === null ? Math.max(0, li.currentQuantity - fulfilled) : 0,
        fulfillment_status: fulfilled === 0 ? null : fulfilled >= li.currentQuantity ? 'fulfilled' : 'partial',
        price: li.price,
        requires_shipping: li.requiresShipping,
      };
    }),
    fulfillments: order.fulfillments.map((f) => fulfillmentPayload(order, f)),
  };
}

export function productPayload(shop: ShopState, product: Product): Record<string, unknown> {
  return {
    id: product.id,
    admin_graphql_api_id: gid('Product', product.id),
    title: product.title,
    handle: product.handle,
    vendor: product.vendor,
    product_type: product.productType,
    status: product.status.toLowerCase(),
    tags: product.tags.join(', '),
    body_html: product.descriptionHtml,
    created_at: restTime(product.createdAt),
    updated_at: restTime(product.updatedAt),
    variants: product.variantIds.flatMap((id) => {
      const v = shop.variants.get(id);
      return v
        ? [
            {
              id: v.id,
              admin_graphql_api_id: gid('ProductVariant', v.id),
              product_id: product.id,
              title: v.title,
              sku: v.sku,
              barcode: v.barcode,
              price: v.price,
              compare_at_price: v.compareAtPrice,
              position: v.position,
              inventory_item_id: v.inventoryItemId,
              created_at: restTime(v.createdAt),
              updated_at: restTime(v.updatedAt),
            },
          ]
        : [];
    }),
    images: product.media.map((m, i) => ({
      id: m.id,
      admin_graphql_api_id: gid('ProductImage', m.id),
      product_id: product.id,
      position: i + 1,
      src: m.url,
      alt: m.alt,
      width: m.width,
      height: m.height,
    })),
  };
}

export function inventoryLevelPayload(level: InventoryLevel): Record<string, unknown> {
  return {
    inventory_item_id: level.inventoryItemId,
    location_id: level.locationId,
    available: quantityOf(level, 'available'),
    updated_at: restTime(level.updatedAt),
    admin_graphql_api_id: `gid://shopify/InventoryLevel/${level.locationId}?inventory_item_id=${level.inventoryItemId}`,
  };
}
