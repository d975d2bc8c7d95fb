// Every GraphQL document the Shopify adapter can send (Admin API 2026-07), in one module so a
// contract test validates each against the official schema and computes its requested cost.
//
// Cost design (single-query cap 1,000 points; connection = 2 + first × item, object = 1):
// list pages carry the fields the order/product rules need with small nested pages; an order or
// product whose nested page overflows is completed by a follow-up read. Page sizes are the
// largest that keep the requested cost ≤ 1,000 — test/channels/shopify/documents.test.ts
// computes each cost from the schema and asserts both the cap and that one more item would
// break it.

export const API_VERSION = '2026-07';
export const MAX_QUERY_COST = 1000;
/** Shopify's maximum `first` and the maximum quantities per inventorySetQuantities call. */
export const MAX_PAGE_SIZE = 250;

/** Nested page sizes inside a list page: most orders have ≤ 10 lines and one fulfillment order. */
export const ORDER_PAGE_LINES = 10;
export const ORDER_PAGE_FULFILLMENT_ORDERS = 3;
/** Per order: node 1 + shippingAddress 1 + lineItems (2 + lines) + fulfillmentOrders (2 + 3 × fos). */
export const ORDER_PAGE_SIZE = 39;
export const PRODUCT_PAGE_VARIANTS = 20;
/** Per product: node 1 + featuredMedia 3 + variants (2 + 2 × variants). */
export const PRODUCT_PAGE_SIZE = 21;
/** Single-order reads page through lines at this size. */
export const ORDER_LINES_PAGE_SIZE = 250;
export const ORDER_FULFILLMENT_ORDERS_MAX = 20;
/** Fulfillment state of one order (S-2 check and fulfillment-order lines). */
export const FULFILLMENT_ORDERS_MAX = 5;
export const FULFILLMENT_ORDER_LINES_MAX = 50;
export const FULFILLMENTS_MAX = 50;

const ADDRESS_FIELDS = 'name company address1 address2 city provinceCode countryCodeV2 zip phone';
const ORDER_HEADER_FIELDS = `id name createdAt updatedAt cancelledAt displayFinancialStatus displayFulfillmentStatus tags email test
    shippingAddress { ${ADDRESS_FIELDS} }`;
const ORDER_LINE_FIELDS = 'id sku title currentQuantity unfulfilledQuantity requiresShipping';
const FULFILLMENT_ORDER_SUMMARY = 'status assignedLocation { location { id } }';
const VARIANT_FIELDS = 'id sku title barcode price inventoryItem { id tracked }';

/** Store identity (C-7) and granted scopes (C-2) in one cheap call. */
export const CONNECTION_CHECK = `query StorelinkConnectionCheck {
  shop { name myshopifyDomain }
  currentAppInstallation { accessScopes { handle } }
}`;

/** One page of orders in an updated_at window, keyset-paged in (updatedAt, id) order (OD-1). */
export const ORDERS_PAGE = `query StorelinkOrdersPage($query: String!, $after: String) {
  orders(first: ${ORDER_PAGE_SIZE}, after: $after, query: $query, sortKey: UPDATED_AT) {
    nodes {
      ${ORDER_HEADER_FIELDS}
      lineItems(first: ${ORDER_PAGE_LINES}) { nodes { ${ORDER_LINE_FIELDS} } pageInfo { hasNextPage } }
      fulfillmentOrders(first: ${ORDER_PAGE_FULFILLMENT_ORDERS}) { nodes { ${FULFILLMENT_ORDER_SUMMARY} } pageInfo { hasNextPage } }
    }
    pageInfo { hasNextPage endCursor }
  }
}`;

/** One order by id, its lines paged by `$linesAfter` (OD-2 webhook re-read, OD-11). */
export const ORDER = `query StorelinkOrder($id: ID!, $linesAfter: String) {
  order(id: $id) {
    ${ORDER_HEADER_FIELDS}
    lineItems(first: ${ORDER_LINES_PAGE_SIZE}, after: $linesAfter) { nodes { ${ORDER_LINE_FIELDS} } pageInfo { hasNextPage endCursor } }
    fulfillmentOrders(first: ${ORDER_FULFILLMENT_ORDERS_MAX}) { nodes { ${FULFILLMENT_ORDER_SUMMARY} } pageInfo { hasNextPage } }
  }
}`;

/** Fulfillment orders with their open lines, and existing fulfillments with tracking (S-2). */
export const FULFILLMENT_STATE = `query StorelinkFulfillmentState($id: ID!) {
  order(id: $id) {
    id
    fulfillmentOrders(first: ${FULFILLMENT_ORDERS_MAX}) {
      nodes {
        id status assignedLocation { location { id } }
        lineItems(first: ${FULFILLMENT_ORDER_LINES_MAX}) { nodes { id remainingQuantity lineItem { id } } pageInfo { hasNextPage } }
      }
      pageInfo { hasNextPage }
    }
    fulfillments(first: ${FULFILLMENTS_MAX}) { id status trackingInfo { number } }
  }
}`;

export const FULFILLMENT_CREATE = `mutation StorelinkFulfillmentCreate($fulfillment: FulfillmentInput!) {
  fulfillmentCreate(fulfillment: $fulfillment) {
    fulfillment { id status }
    userErrors { field message }
  }
}`;

export const TAGS_ADD = `mutation StorelinkTagsAdd($id: ID!, $tags: [String!]!) {
  tagsAdd(id: $id, tags: $tags) {
    node { id ... on Order { updatedAt } }
    userErrors { field message }
  }
}`;

/** Products changed since a time (P-8), keyset-paged in (updatedAt, id) order. */
export const PRODUCTS_PAGE = `query StorelinkProductsPage($query: String, $after: String) {
  products(first: ${PRODUCT_PAGE_SIZE}, after: $after, query: $query, sortKey: UPDATED_AT) {
    nodes {
      id title descriptionHtml vendor status updatedAt
      featuredMedia { preview { image { url } } }
      variants(first: ${PRODUCT_PAGE_VARIANTS}) { nodes { ${VARIANT_FIELDS} } pageInfo { hasNextPage } }
    }
    pageInfo { hasNextPage endCursor }
  }
}`;

/** All variants of one product, for products with more variants than a list page carries. */
export const PRODUCT_VARIANTS = `query StorelinkProductVariants($query: String!, $after: String) {
  productVariants(first: ${MAX_PAGE_SIZE}, after: $after, query: $query) {
    nodes { ${VARIANT_FIELDS} }
    pageInfo { hasNextPage endCursor }
  }
}`;

export const LOCATIONS = `query StorelinkLocations($after: String) {
  locations(first: ${MAX_PAGE_SIZE}, after: $after, includeInactive: true) {
    nodes { id name isActive }
    pageInfo { hasNextPage endCursor }
  }
}`;

/** Every inventory level at one location, for reconcile (I-7). */
export const INVENTORY_LEVELS = `query StorelinkInventoryLevels($location: ID!, $names: [String!]!, $after: String) {
  location(id: $location) {
    id
    inventoryLevels(first: ${MAX_PAGE_SIZE}, after: $after) {
      nodes { item { id } quantities(names: $names) { name quantity } }
      pageInfo { hasNextPage endCursor }
    }
  }
}`;

/** Quantities of chosen inventory items at one location (re-read after a stale push, I-4). */
export const INVENTORY_ITEMS_AT_LOCATION = `query StorelinkInventoryItems($query: String!, $location: ID!, $names: [String!]!) {
  inventoryItems(first: ${MAX_PAGE_SIZE}, query: $query) {
    nodes { id inventoryLevel(locationId: $location) { quantities(names: $names) { name quantity } } }
  }
}`;

/**
 * Compare-and-swap stock update (I-4): `changeFromQuantity` on every quantity, never null, and
 * the `@idempotent` key Shopify requires since 2026-04.
 */
export const INVENTORY_SET_QUANTITIES = `mutation StorelinkInventorySet($input: InventorySetQuantitiesInput!, $key: String!) {
  inventorySetQuantities(input: $input) @idempotent(key: $key) {
    inventoryAdjustmentGroup { id }
    userErrors { code field message }
  }
}`;

/** Every document above, for the contract test. */
export const DOCUMENTS = {
  CONNECTION_CHECK,
  ORDERS_PAGE,
  ORDER,
  FULFILLMENT_STATE,
  FULFILLMENT_CREATE,
  TAGS_ADD,
  PRODUCTS_PAGE,
  PRODUCT_VARIANTS,
  LOCATIONS,
  INVENTORY_LEVELS,
  INVENTORY_ITEMS_AT_LOCATION,
  INVENTORY_SET_QUANTITIES,
} as const satisfies Readonly<Record<string, string>>;
