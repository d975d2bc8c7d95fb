// ChannelAdapter for Shopify: GraphQL Admin API 2026-07 through ShopifyGraphqlClient. Every
// capability of SPEC §2; credentials come from the caller (never from the environment).
import type { Logger } from 'pino';
import { z } from 'zod';
import { CHANNEL_CAPABILITIES, type Capability } from '../capabilities';
import { DataError, PermanentError } from '../errors';
import { describeIssues } from '../issues';
import type {
  ChannelAdapter,
  ChannelLocation,
  ChannelOrder,
  ChannelOrderLine,
  ChannelProduct,
  ChannelVariant,
  ConnectionCheck,
  FulfillmentRequest,
  FulfillmentResult,
  InventoryItemOutcome,
  InventoryLevelReading,
  InventoryPush,
  InventoryPushResult,
  InventoryQuantityName,
  OrderWindow,
  Page,
  ProductQuery,
  StoreIdentity,
} from '../types';
import { ShopifyGraphqlClient } from './client';
import * as D from './documents';
import { chunk, idempotencyKey, mutationInput, outcomesOfRejectedCall, type PushQuantity } from './inventory';
import { legacyId, toChannelOrder, toChannelProduct, toChannelVariant, toOrderLine, type OrderHeader } from './mappers';
import * as R from './responses';
import { missingScopes } from './scopes';

export interface ShopifyCredentials {
  /** `name.myshopify.com`. */
  shop: string;
  /** Admin API access token of the custom app. */
  accessToken: string;
  /** App secret: signs webhooks; the library requires it too. */
  appSecret: string;
}

export interface ShopifyAdapterOptions {
  credentials: ShopifyCredentials;
  /** Emulator base URL (dev, tests, benches); unset in production. */
  baseUrl?: string;
  logger?: Logger;
  maxThrottleWaitMs?: number;
  requestTimeoutMs?: number;
}

const credentialsSchema = z.object({
  shop: z.string().regex(/^[a-z0-9][a-z0-9-]*\.myshopify\.com$/i, 'shop must look like name.myshopify.com'),
  accessToken: z.string().min(1, 'access token is empty'),
  appSecret: z.string().min(1, 'app secret is empty'),
});
const isoTime = z.iso.datetime({ offset: true });
const windowSchema = z.object({ updatedFrom: isoTime, updatedTo: isoTime, cursor: z.string().nullish() });
const productQuerySchema = z.object({ updatedSince: isoTime.nullish(), cursor: z.string().nullish() });
const shopifyGid = (type: string) => z.string().regex(new RegExp(`^gid://shopify/${type}/\\d+$`), `expected a Shopify ${type} id`);
const fulfillmentRequestSchema = z.object({
  channelOrderId: shopifyGid('Order'),
  lines: z.array(z.object({ channelLineId: shopifyGid('LineItem'), quantity: z.number().int().positive() })).min(1),
  tracking: z.object({ number: z.string().min(1), url: z.string().url().nullable(), company: z.string().nullable() }),
  notifyCustomer: z.boolean(),
});
const pushSchema = z.object({
  name: z.enum(['available', 'on_hand']),
  pushId: z.string().min(1),
  quantities: z.array(
    z.object({
      channelInventoryItemId: shopifyGid('InventoryItem'),
      channelLocationId: shopifyGid('Location'),
      quantity: z.number().int(),
      changeFromQuantity: z.number().int(),
    }),
  ),
});

/** Validates caller input; a bad argument is our bug or bad data, never worth a retry. */
function input<T>(schema: z.ZodType<T>, value: unknown, what: string): T {
  const parsed = schema.safeParse(value);
  if (!parsed.success) throw new DataError(`invalid ${what}: ${describeIssues(parsed.error)}`);
  return parsed.data;
}

/** Shopify search values are quoted; a quote inside one is escaped. */
function quoted(value: string): string {
  return `'${value.replace(/\\/g, '\\\\').replace(/'/g, "\\'")}'`;
}

export class ShopifyAdapter implements ChannelAdapter {
  readonly channel = 'shopify' as const;
  readonly capabilities: ReadonlySet<Capability> = CHANNEL_CAPABILITIES.shopify;
  private readonly client: ShopifyGraphqlClient;

  constructor(options: ShopifyAdapterOptions) {
    const credentials = input(credentialsSchema, options.credentials, 'Shopify credentials');
    this.client = new ShopifyGraphqlClient({
      shop: credentials.shop,
      accessToken: credentials.accessToken,
      apiSecretKey: credentials.appSecret,
      baseUrl: options.baseUrl,
      logger: options.logger,
      maxThrottleWaitMs: options.maxThrottleWaitMs,
      requestTimeoutMs: options.requestTimeoutMs,
    });
  }

  // ---- connect (C-2, C-7)

  async checkConnection(wanted: readonly Capability[]): Promise<ConnectionCheck> {
    const data = await this.client.request(D.CONNECTION_CHECK, {}, R.connectionCheckData);
    const grantedScopes = data.currentAppInstallation.accessScopes.map((s) => s.handle);
    return {
      identity: { storeKey: data.shop.myshopifyDomain.toLowerCase(), storeName: data.shop.name },
      grantedScopes,
      missingScopes: missingScopes(wanted, grantedScopes),
    };
  }

  async storeIdentity(): Promise<StoreIdentity> {
    return (await this.checkConnection([])).identity;
  }

  // ---- orders (OD-1, OD-2, OD-11)

  async fetchOrdersPage(window: OrderWindow): Promise<Page<ChannelOrder>> {
    const w = input(windowSchema, window, 'order window');
    const query = `updated_at:>=${quoted(w.updatedFrom)} updated_at:<=${quoted(w.updatedTo)}`;
    const data = await this.client.request(D.ORDERS_PAGE, { query, after: w.cursor ?? null }, R.ordersPageData);
    const items: ChannelOrder[] = [];
    for (const node of data.orders.nodes) {
      if (node.lineItems.pageInfo.hasNextPage || node.fulfillmentOrders.pageInfo.hasNextPage) {
        // More lines or fulfillment orders than a list page carries: read the whole order.
        const full = await this.fetchOrder(node.id);
        if (full) items.push(full);
      } else {
        items.push(toChannelOrder(node, node.lineItems.nodes.map(toOrderLine)));
      }
    }
    return { items, nextCursor: data.orders.pageInfo.hasNextPage ? data.orders.pageInfo.endCursor : null };
  }

  async fetchOrder(channelOrderId: string): Promise<ChannelOrder | null> {
    const id = input(shopifyGid('Order'), channelOrderId, 'order id');
    let header: OrderHeader | undefined;
    const lines: ChannelOrderLine[] = [];
    let linesAfter: string | null = null;
    for (;;) {
      const { order }: z.infer<typeof R.orderData> = await this.client.request(D.ORDER, { id, linesAfter }, R.orderData);
      if (!order) return null;
      header ??= order;
      lines.push(...order.lineItems.nodes.map(toOrderLine));
      if (!order.lineItems.pageInfo.hasNextPage) break;
      linesAfter = order.lineItems.pageInfo.endCursor;
    }
    if (header.fulfillmentOrders.pageInfo.hasNextPage) {
      throw new PermanentError(`order ${id} has more than ${D.ORDER_FULFILLMENT_ORDERS_MAX} fulfillment orders, which Storelink does not read`);
    }
    return toChannelOrder(header, lines);
  }

  // ---- products (P-8)

  async fetchProductsPage(query: ProductQuery): Promise<Page<ChannelProduct>> {
    const q = input(productQuerySchema, query, 'product query');
    const search = q.updatedSince ? `updated_at:>=${quoted(q.updatedSince)}` : null;
    const data = await this.client.request(D.PRODUCTS_PAGE, { query: search, after: q.cursor ?? null }, R.productsPageData);
    const items: ChannelProduct[] = [];
    for (const node of data.products.nodes) {
      const variants = node.variants.pageInfo.hasNextPage ? await this.allVariants(node.id) : node.variants.nodes.map(toChannelVariant);
      items.push(toChannelProduct(node, variants));
    }
    return { items, nextCursor: data.products.pageInfo.hasNextPage ? data.products.pageInfo.endCursor : null };
  }

  private async allVariants(productId: string): Promise<ChannelVariant[]> {
    const out: ChannelVariant[] = [];
    let after: string | null = null;
    for (;;) {
      const { productVariants: page }: z.infer<typeof R.productVariantsData> = await this.client.request(
        D.PRODUCT_VARIANTS,
        { query: `product_id:${legacyId(productId)}`, after },
        R.productVariantsData,
      );
      out.push(...page.nodes.map(toChannelVariant));
      if (!page.pageInfo.hasNextPage) return out;
      after = page.pageInfo.endCursor;
    }
  }

  // ---- shipments (S-1 … S-4)

  /**
   * Exactly once per tracking number (S-2): an existing fulfillment carrying the number means
   * the shipment was already sent. Otherwise the lines are taken from the order's open
   * fulfillment orders and created in one fulfillmentCreate; Shopify's own userErrors (over-
   * fulfilment, lines at different locations, closed orders) come back as DataError (S-3).
   */
  async sendShipment(request: FulfillmentRequest): Promise<FulfillmentResult> {
    const req = input(fulfillmentRequestSchema, request, 'fulfillment request');
    const { order } = await this.client.request(D.FULFILLMENT_STATE, { id: req.channelOrderId }, R.fulfillmentStateData);
    if (!order) throw new DataError(`order ${req.channelOrderId} does not exist on ${this.client.shop}`);
    const existing = order.fulfillments.find(
      (f) => f.status === 'SUCCESS' && f.trackingInfo.some((t) => t.number === req.tracking.number),
    );
    if (existing) return { status: 'already_sent', channelFulfillmentId: existing.id };
    if (order.fulfillmentOrders.pageInfo.hasNextPage || order.fulfillmentOrders.nodes.some((fo) => fo.lineItems.pageInfo.hasNextPage)) {
      throw new PermanentError(`order ${order.id} has more fulfillment-order lines than Storelink reads at once`);
    }

    const data = await this.client.request(
      D.FULFILLMENT_CREATE,
      {
        fulfillment: {
          lineItemsByFulfillmentOrder: allocateLines(order, req.lines),
          notifyCustomer: req.notifyCustomer,
          trackingInfo: { number: req.tracking.number, url: req.tracking.url, company: req.tracking.company },
        },
      },
      R.fulfillmentCreateData,
    );
    const payload = data.fulfillmentCreate;
    if (payload && payload.userErrors.length > 0) {
      throw new DataError(payload.userErrors.map((e) => e.message).join('; '), undefined, payload.userErrors[0]?.field ?? undefined);
    }
    if (!payload?.fulfillment) throw new PermanentError('fulfillmentCreate returned neither a fulfillment nor userErrors');
    return { status: 'created', channelFulfillmentId: payload.fulfillment.id };
  }

  // ---- tags (OD-12)

  async tagOrder(channelOrderId: string, tags: string[]): Promise<{ updatedAt: string | null }> {
    const id = input(shopifyGid('Order'), channelOrderId, 'order id');
    const list = input(z.array(z.string().min(1)).min(1), tags, 'tags');
    const data = await this.client.request(D.TAGS_ADD, { id, tags: list }, R.tagsAddData);
    const errors = data.tagsAdd?.userErrors ?? [];
    if (errors.length > 0) throw new DataError(errors.map((e) => e.message).join('; '), undefined, errors[0]?.field ?? undefined);
    return { updatedAt: data.tagsAdd?.node?.updatedAt ?? null };
  }

  // ---- inventory (I-4, I-6, I-7)

  async listLocations(): Promise<ChannelLocation[]> {
    const out: ChannelLocation[] = [];
    let after: string | null = null;
    for (;;) {
      const { locations }: z.infer<typeof R.locationsData> = await this.client.request(D.LOCATIONS, { after }, R.locationsData);
      out.push(...locations.nodes.map((l) => ({ channelLocationId: l.id, name: l.name, active: l.isActive })));
      if (!locations.pageInfo.hasNextPage) return out;
      after = locations.pageInfo.endCursor;
    }
  }

  async readInventoryLevels(
    channelLocationId: string,
    names: readonly InventoryQuantityName[],
    cursor?: string | null,
  ): Promise<Page<InventoryLevelReading>> {
    const location = input(shopifyGid('Location'), channelLocationId, 'location id');
    const data = await this.client.request(D.INVENTORY_LEVELS, { location, names, after: cursor ?? null }, R.inventoryLevelsData);
    if (!data.location) throw new DataError(`location ${location} does not exist on ${this.client.shop}`);
    const levels = data.location.inventoryLevels;
    return {
      items: levels.nodes.map((n) => ({ channelInventoryItemId: n.item.id, channelLocationId: location, quantities: quantitiesOf(n.quantities) })),
      nextCursor: levels.pageInfo.hasNextPage ? levels.pageInfo.endCursor : null,
    };
  }

  /** Current quantities of up to 250 chosen items at one location (re-read after a stale push). */
  async readInventoryItems(
    channelLocationId: string,
    channelInventoryItemIds: readonly string[],
    names: readonly InventoryQuantityName[],
  ): Promise<InventoryLevelReading[]> {
    const location = input(shopifyGid('Location'), channelLocationId, 'location id');
    const ids = input(z.array(shopifyGid('InventoryItem')).min(1).max(D.MAX_PAGE_SIZE), channelInventoryItemIds, 'inventory item ids');
    const query = ids.map((id) => `id:${legacyId(id)}`).join(' OR ');
    const data = await this.client.request(D.INVENTORY_ITEMS_AT_LOCATION, { query, location, names }, R.inventoryItemsData);
    return data.inventoryItems.nodes
      .filter((n) => n.inventoryLevel !== null)
      .map((n) => ({ channelInventoryItemId: n.id, channelLocationId: location, quantities: quantitiesOf(n.inventoryLevel?.quantities ?? []) }));
  }

  /**
   * Compare-and-swap push in batches of ≤ 250. A stale item is reported, never re-sent with the
   * check switched off (I-4); valid items of a batch that failed only because of others are
   * sent once more on their own, under their own content-derived key.
   */
  async pushInventory(push: InventoryPush): Promise<InventoryPushResult> {
    const p = input(pushSchema, push, 'inventory push');
    const outcomes = new Map<PushQuantity, InventoryItemOutcome>();
    let mutations = 0;
    let pending: PushQuantity[][] = chunk(p.quantities);
    while (pending.length > 0) {
      const next: PushQuantity[][] = [];
      for (const batch of pending) {
        const variables = mutationInput(p, batch);
        mutations++;
        const data = await this.client.request(
          D.INVENTORY_SET_QUANTITIES,
          { input: variables, key: idempotencyKey(p.pushId, variables) },
          R.inventorySetData,
        );
        const payload = data.inventorySetQuantities;
        if (!payload) throw new PermanentError('inventorySetQuantities returned no payload');
        if (payload.userErrors.length === 0) {
          for (const q of batch) outcomes.set(q, { status: 'applied' });
          continue;
        }
        const perItem = outcomesOfRejectedCall(payload.userErrors, batch.length);
        const innocent = batch.filter((q, i) => {
          const outcome = perItem[i];
          if (outcome) outcomes.set(q, outcome);
          return outcome === undefined;
        });
        if (innocent.length > 0) next.push(innocent);
      }
      pending = next;
    }
    return {
      items: p.quantities.map((q) => ({
        channelInventoryItemId: q.channelInventoryItemId,
        channelLocationId: q.channelLocationId,
        quantity: q.quantity,
        outcome: outcomes.get(q) ?? { status: 'rejected', code: null, message: 'not sent' },
      })),
      mutations,
    };
  }
}

function quantitiesOf(list: readonly { name: string; quantity: number }[]): Partial<Record<InventoryQuantityName, number>> {
  const out: Partial<Record<InventoryQuantityName, number>> = {};
  for (const q of list) if (q.name === 'available' || q.name === 'on_hand') out[q.name] = q.quantity;
  return out;
}

/**
 * Maps shipped lines onto open fulfillment-order lines. A line asking for more than is open is
 * still sent in full on its first fulfillment-order line, so Shopify itself rejects it with its
 * own message (S-3) instead of us shipping part of it.
 */
export function allocateLines(
  order: R.FulfillmentState,
  lines: readonly { channelLineId: string; quantity: number }[],
): { fulfillmentOrderId: string; fulfillmentOrderLineItems: { id: string; quantity: number }[] }[] {
  const open = order.fulfillmentOrders.nodes.filter((fo) => fo.status === 'OPEN' || fo.status === 'IN_PROGRESS');
  const byFulfillmentOrder = new Map<string, Map<string, number>>();
  const add = (foId: string, foliId: string, quantity: number): void => {
    const items = byFulfillmentOrder.get(foId) ?? new Map<string, number>();
    items.set(foliId, (items.get(foliId) ?? 0) + quantity);
    byFulfillmentOrder.set(foId, items);
  };
  for (const line of lines) {
    const candidates = open.flatMap((fo) => fo.lineItems.nodes.filter((l) => l.lineItem.id === line.channelLineId).map((l) => ({ fo, l })));
    const first = candidates[0];
    if (!first) throw new DataError(`line ${line.channelLineId} has nothing left to fulfil on order ${order.id}`);
    let left = line.quantity;
    for (const { fo, l } of candidates) {
      const take = Math.min(left, l.remainingQuantity);
      if (take > 0) add(fo.id, l.id, take);
      left -= take;
    }
    if (left > 0) add(first.fo.id, first.l.id, left);
  }
  return [...byFulfillmentOrder].map(([fulfillmentOrderId, items]) => ({
    fulfillmentOrderId,
    fulfillmentOrderLineItems: [...items].map(([id, quantity]) => ({ id, quantity })),
  }));
}

export function createShopifyAdapter(options: ShopifyAdapterOptions): ShopifyAdapter {
  return new ShopifyAdapter(options);
}
