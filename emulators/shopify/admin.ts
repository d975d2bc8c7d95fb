// Admin HTTP API under /_admin (JSON): seed and inspect shop state, inject faults and read
// counters. Only tests, the demo and benchmarks call it. Inputs are validated with zod;
// bad input answers 400 with the issues, unknown things 404, never a crash.
import type { FastifyInstance, FastifyReply } from 'fastify';
import { z } from 'zod';
import { PLAN_LIMITS, type ShopPlan } from './bucket';
import { addVariantToProduct, createLocation, createProduct, updateProduct, updateVariant } from './catalog';
import { gid, idOf } from './ids';
import { quantityOf, setLevel } from './inventory';
import { cancelOrder, createOrder, refundOrder, requireOrder, updateOrder } from './orders';
import { fulfillmentPayload, orderPayload, productPayload, restTime } from './payloads';
import { generateOrders, seedCatalog, seedDemoShop } from './seed';
import { defaultFaults, emptyCounters, StoreError, type EmulatorStore, type ShopState } from './store';
import { COMPLIANCE_TOPICS, WEBHOOK_TOPICS, type WebhookDispatcher } from './webhooks';

const plan = z.enum(Object.keys(PLAN_LIMITS) as [ShopPlan, ...ShopPlan[]]);
const token = z.object({ token: z.string().min(1), scopes: z.array(z.string().min(1)) });
/** Ids are accepted as numbers, numeric strings or gids. */
const anyId = (type: string) =>
  z.union([z.number().int().positive(), z.string().min(1)]).transform((v, ctx) => {
    const n = typeof v === 'number' ? v : /^\d+$/.test(v) ? Number(v) : idOf(v, type);
    if (n === undefined) {
      ctx.addIssue({ code: 'custom', message: `expected a ${type} id or gid` });
      return z.NEVER;
    }
    return n;
  });
const address = z
  .object({
    firstName: z.string().nullish(),
    lastName: z.string().nullish(),
    company: z.string().nullish(),
    address1: z.string().nullish(),
    address2: z.string().nullish(),
    city: z.string().nullish(),
    province: z.string().nullish(),
    provinceCode: z.string().nullish(),
    country: z.string().nullish(),
    countryCode: z.string().nullish(),
    zip: z.string().nullish(),
    phone: z.string().nullish(),
  })
  .strict();
const money = z.union([z.string().regex(/^-?\d+(\.\d+)?$/), z.number()]).transform((v) => String(v));
const financialStatus = z.enum(['AUTHORIZED', 'EXPIRED', 'PAID', 'PARTIALLY_PAID', 'PARTIALLY_REFUNDED', 'PENDING', 'REFUNDED', 'VOIDED']);

const shopInput = z
  .object({
    domain: z.string().regex(/^[a-z0-9][a-z0-9-]*\.myshopify\.com$/i, 'domain must look like name.myshopify.com'),
    name: z.string().optional(),
    email: z.string().optional(),
    currency: z.string().length(3).optional(),
    plan: plan.optional(),
    appSecret: z.string().min(1),
    tokens: z.array(token).default([]),
    seed: z
      .object({ products: z.number().int().min(0).max(5000).default(25), orders: z.number().int().min(0).max(200_000).default(0), seed: z.number().int().default(42) })
      .optional(),
  })
  .strict();

const variantInput = z
  .object({
    title: z.string().optional(),
    sku: z.string().nullish(),
    barcode: z.string().nullish(),
    price: money.optional(),
    compareAtPrice: money.nullish(),
    tracked: z.boolean().optional(),
    stock: z.record(z.string(), z.number().int()).optional(),
  })
  .strict();
const image = z.object({ url: z.string().url(), alt: z.string().nullish(), width: z.number().int().positive().optional(), height: z.number().int().positive().optional() });
const productInput = z
  .object({
    title: z.string().min(1),
    handle: z.string().optional(),
    vendor: z.string().optional(),
    productType: z.string().optional(),
    status: z.enum(['ACTIVE', 'ARCHIVED', 'DRAFT']).optional(),
    tags: z.array(z.string()).optional(),
    descriptionHtml: z.string().optional(),
    images: z.array(image).optional(),
    variants: z.array(variantInput).optional(),
  })
  .strict();
const productUpdate = productInput.omit({ variants: true, handle: true }).partial().strict();
const variantUpdate = variantInput.omit({ stock: true, tracked: true }).partial().strict();

const orderInput = z
  .object({
    email: z.string().nullish(),
    phone: z.string().nullish(),
    note: z.string().nullish(),
    tags: z.array(z.string()).optional(),
    financialStatus: financialStatus.optional(),
    currency: z.string().length(3).optional(),
    customer: z.object({ firstName: z.string().nullish(), lastName: z.string().nullish(), email: z.string().nullish(), phone: z.string().nullish() }).nullish(),
    shippingAddress: address.nullish(),
    billingAddress: address.nullish(),
    shippingLine: z.object({ title: z.string(), code: z.string().nullish(), price: money.optional() }).nullish(),
    lineItems: z
      .array(
        z
          .object({
            variantId: anyId('ProductVariant').optional(),
            sku: z.string().optional(),
            title: z.string().optional(),
            quantity: z.number().int().positive(),
            price: money.optional(),
            requiresShipping: z.boolean().optional(),
            locationId: anyId('Location').optional(),
          })
          .strict(),
      )
      .min(1),
    test: z.boolean().optional(),
    createdAt: z.union([z.number(), z.string().datetime()]).transform((v) => (typeof v === 'number' ? v : Date.parse(v))).optional(),
  })
  .strict();
const orderUpdate = z
  .object({
    email: z.string().nullish(),
    phone: z.string().nullish(),
    note: z.string().nullish(),
    tags: z.array(z.string()).optional(),
    financialStatus: financialStatus.optional(),
    shippingAddress: address.nullish(),
  })
  .strict();

const faultsInput = z
  .object({
    latencyMs: z.number().int().min(0).max(120_000),
    errorRate: z.number().min(0).max(1),
    failNext: z.number().int().min(0),
    errorStatus: z.number().int().min(500).max(599),
    timeoutNext: z.number().int().min(0),
    timeoutMs: z.number().int().min(0).max(600_000),
    throttleAlways: z.boolean(),
    dropResponseNext: z.number().int().min(0),
    dropResponseOperation: z.string().min(1).nullable(),
    dropResponseAfterMs: z.number().int().min(0).max(600_000),
  })
  .partial()
  .strict();

const webhookFaults = z
  .object({
    duplicates: z.number().int().min(0).max(10),
    reorderWindow: z.number().int().min(0).max(1000),
    reorderFlushMs: z.number().int().min(1).max(60_000),
    delayMs: z.number().int().min(0).max(600_000),
  })
  .partial()
  .strict();

export interface AdminDeps {
  store: EmulatorStore;
  webhooks: WebhookDispatcher;
}

class BadInput extends Error {
  constructor(readonly issues: z.core.$ZodIssue[]) {
    super('invalid request');
  }
}

function parse<T extends z.ZodType>(schema: T, value: unknown): z.output<T> {
  const result = schema.safeParse(value ?? {});
  if (!result.success) throw new BadInput(result.error.issues);
  return result.data;
}

function shopSummary(shop: ShopState): Record<string, unknown> {
  return {
    domain: shop.domain,
    name: shop.name,
    plan: shop.plan,
    currency: shop.currency,
    tokens: [...shop.tokens.values()].map((t) => ({ token: t.token, scopes: t.scopes })),
    throttleStatus: shop.bucket.status(),
    counts: {
      locations: shop.locations.size,
      products: shop.products.size,
      variants: shop.variants.size,
      orders: shop.orders.size,
    },
    locations: [...shop.locations.values()].map((l) => ({ id: l.id, gid: gid('Location', l.id), name: l.name, isActive: l.isActive })),
  };
}

function productSummary(shop: ShopState, productId: number): Record<string, unknown> {
  const product = shop.products.get(productId);
  if (!product) throw new StoreError(`unknown product ${productId}`, 404);
  return productPayload(shop, product);
}

function orderDetail(shop: ShopState, orderId: number): Record<string, unknown> {
  const order = requireOrder(shop, orderId);
  return {
    ...orderPayload(shop, order),
    fulfillment_orders: order.fulfillmentOrders.map((fo) => ({
      id: fo.id,
      admin_graphql_api_id: gid('FulfillmentOrder', fo.id),
      status: fo.status.toLowerCase(),
      assigned_location_id: fo.locationId,
      line_items: fo.lineItems.map((l) => ({
        id: l.id,
        admin_graphql_api_id: gid('FulfillmentOrderLineItem', l.id),
        line_item_id: l.lineItemId,
        total_quantity: l.totalQuantity,
        remaining_quantity: l.remainingQuantity,
      })),
    })),
  };
}

export function registerAdminRoutes(app: FastifyInstance, deps: AdminDeps): void {
  const { store, webhooks } = deps;
  const shopOf = (params: unknown): ShopState => store.requireShop((params as { shop: string }).shop);
  const idParam = (params: unknown, type: string): number => parse(anyId(type), (params as { id: string }).id);

  app.setErrorHandler((err: unknown, _req, reply: FastifyReply) => {
    if (err instanceof BadInput) return reply.code(400).send({ error: 'invalid request', issues: err.issues });
    if (err instanceof StoreError) return reply.code(err.status).send({ error: err.message });
    const e = err as { statusCode?: number; message?: string };
    const status = typeof e.statusCode === 'number' && e.statusCode >= 400 && e.statusCode < 500 ? e.statusCode : 500;
    if (status === 500) app.log.error(err);
    return reply.code(status).send({ error: e.message ?? 'internal error' });
  });

  app.get('/_admin/health', async () => ({ ok: true }));

  app.post('/_admin/reset', async () => {
    store.reset();
    webhooks.reset();
    return { ok: true };
  });

  app.post('/_admin/seed/demo', async (req, reply) => {
    const body = parse(
      z
        .object({
          domain: z.string().optional(),
          token: z.string().optional(),
          appSecret: z.string().optional(),
          products: z.number().int().min(0).max(5000).optional(),
          orders: z.number().int().min(0).max(200_000).optional(),
          seed: z.number().int().optional(),
        })
        .strict(),
      req.body,
    );
    const shop = seedDemoShop(store, body);
    return reply.code(201).send(shopSummary(shop));
  });

  app.post('/_admin/shops', async (req, reply) => {
    const body = parse(shopInput, req.body);
    const shop = store.createShop(body);
    if (body.seed) {
      seedCatalog(store, shop, { seed: body.seed.seed, products: body.seed.products });
      if (body.seed.orders > 0) generateOrders(store, shop, { count: body.seed.orders, seed: body.seed.seed + 1 });
    }
    return reply.code(201).send(shopSummary(shop));
  });

  app.get('/_admin/shops', async () => [...store.shops.values()].map(shopSummary));
  app.get('/_admin/shops/:shop', async (req) => shopSummary(shopOf(req.params)));
  app.delete('/_admin/shops/:shop', async (req) => {
    const shop = shopOf(req.params);
    store.deleteShop(shop.domain);
    webhooks.resetShop(shop.domain);
    return { ok: true };
  });

  app.put('/_admin/shops/:shop/tokens', async (req) => {
    const shop = shopOf(req.params);
    const body = parse(token, req.body);
    shop.tokens.set(body.token, { token: body.token, scopes: body.scopes });
    return { token: body.token, scopes: body.scopes };
  });
  app.delete('/_admin/shops/:shop/tokens/:token', async (req) => {
    const shop = shopOf(req.params);
    return { ok: shop.tokens.delete((req.params as { token: string }).token) };
  });

  app.put('/_admin/shops/:shop/plan', async (req) => {
    const shop = shopOf(req.params);
    const body = parse(z.object({ plan }).strict(), req.body);
    store.setPlan(shop, body.plan);
    return { plan: shop.plan, throttleStatus: shop.bucket.status() };
  });

  // ---- catalogue
  app.post('/_admin/shops/:shop/locations', async (req, reply) => {
    const shop = shopOf(req.params);
    const body = parse(z.object({ name: z.string().min(1), address: address.optional(), isActive: z.boolean().optional(), fulfillsOnlineOrders: z.boolean().optional() }).strict(), req.body);
    const loc = createLocation(store, shop, body);
    return reply.code(201).send({ id: loc.id, gid: gid('Location', loc.id), name: loc.name });
  });
  app.post('/_admin/shops/:shop/products', async (req, reply) => {
    const shop = shopOf(req.params);
    const product = createProduct(store, shop, parse(productInput, req.body));
    return reply.code(201).send(productSummary(shop, product.id));
  });
  app.get('/_admin/shops/:shop/products/:id', async (req) => productSummary(shopOf(req.params), idParam(req.params, 'Product')));
  app.patch('/_admin/shops/:shop/products/:id', async (req) => {
    const shop = shopOf(req.params);
    const product = updateProduct(store, shop, idParam(req.params, 'Product'), parse(productUpdate, req.body));
    return productSummary(shop, product.id);
  });
  app.post('/_admin/shops/:shop/products/:id/variants', async (req, reply) => {
    const shop = shopOf(req.params);
    const variant = addVariantToProduct(store, shop, idParam(req.params, 'Product'), parse(variantInput, req.body));
    return reply.code(201).send(productSummary(shop, variant.productId));
  });
  app.patch('/_admin/shops/:shop/variants/:id', async (req) => {
    const shop = shopOf(req.params);
    const variant = updateVariant(store, shop, idParam(req.params, 'ProductVariant'), parse(variantUpdate, req.body));
    return productSummary(shop, variant.productId);
  });

  // ---- inventory
  app.get('/_admin/shops/:shop/inventory', async (req) => {
    const shop = shopOf(req.params);
    return [...shop.levels.values()].map((l) => {
      const item = shop.inventoryItems.get(l.inventoryItemId);
      const variant = item ? shop.variants.get(item.variantId) : undefined;
      return {
        inventory_item_id: l.inventoryItemId,
        location_id: l.locationId,
        sku: variant?.sku ?? null,
        available: quantityOf(l, 'available'),
        on_hand: l.onHand,
        committed: l.committed,
        updated_at: restTime(l.updatedAt),
      };
    });
  });
  app.put('/_admin/shops/:shop/inventory', async (req) => {
    const shop = shopOf(req.params);
    const body = parse(
      z
        .object({
          inventoryItemId: anyId('InventoryItem'),
          locationId: anyId('Location'),
          onHand: z.number().int().optional(),
          available: z.number().int().optional(),
          committed: z.number().int().min(0).optional(),
        })
        .strict(),
      req.body,
    );
    if (!shop.inventoryItems.has(body.inventoryItemId)) throw new StoreError(`unknown inventory item ${body.inventoryItemId}`, 404);
    if (!shop.locations.has(body.locationId)) throw new StoreError(`unknown location ${body.locationId}`, 404);
    const level = setLevel(store, shop, body.inventoryItemId, body.locationId, body);
    return { inventory_item_id: level.inventoryItemId, location_id: level.locationId, available: quantityOf(level, 'available'), on_hand: level.onHand, committed: level.committed };
  });

  // ---- orders
  app.post('/_admin/shops/:shop/orders', async (req, reply) => {
    const shop = shopOf(req.params);
    const order = createOrder(store, shop, parse(orderInput, req.body));
    return reply.code(201).send(orderDetail(shop, order.id));
  });
  app.post('/_admin/shops/:shop/orders/generate', async (req, reply) => {
    const shop = shopOf(req.params);
    const body = parse(
      z
        .object({
          count: z.number().int().min(1).max(200_000),
          perSecond: z.number().int().min(1).optional(),
          seed: z.number().int().optional(),
          start: z.union([z.number(), z.string().datetime()]).transform((v) => (typeof v === 'number' ? v : Date.parse(v))).optional(),
          cancelledRate: z.number().min(0).max(1).optional(),
        })
        .strict(),
      req.body,
    );
    const orders = generateOrders(store, shop, body);
    const first = orders[0];
    const last = orders[orders.length - 1];
    return reply.code(201).send({
      count: orders.length,
      firstUpdatedAt: first ? restTime(first.updatedAt) : null,
      lastUpdatedAt: last ? restTime(last.updatedAt) : null,
      ids: orders.map((o) => o.id),
    });
  });
  app.get('/_admin/shops/:shop/orders/:id', async (req) => orderDetail(shopOf(req.params), idParam(req.params, 'Order')));
  app.patch('/_admin/shops/:shop/orders/:id', async (req) => {
    const shop = shopOf(req.params);
    const order = updateOrder(store, shop, idParam(req.params, 'Order'), parse(orderUpdate, req.body));
    return orderDetail(shop, order.id);
  });
  app.post('/_admin/shops/:shop/orders/:id/cancel', async (req) => {
    const shop = shopOf(req.params);
    const body = parse(z.object({ reason: z.enum(['CUSTOMER', 'DECLINED', 'FRAUD', 'INVENTORY', 'OTHER', 'STAFF']).optional() }).strict(), req.body);
    const order = cancelOrder(store, shop, idParam(req.params, 'Order'), body);
    return orderDetail(shop, order.id);
  });
  app.post('/_admin/shops/:shop/orders/:id/refund', async (req) => {
    const shop = shopOf(req.params);
    const body = parse(
      z.object({ lineItems: z.array(z.object({ lineItemId: anyId('LineItem'), quantity: z.number().int().positive() }).strict()).min(1) }).strict(),
      req.body,
    );
    const order = refundOrder(store, shop, idParam(req.params, 'Order'), body);
    return orderDetail(shop, order.id);
  });
  app.get('/_admin/shops/:shop/fulfillments', async (req) => {
    const shop = shopOf(req.params);
    // created_at_ms is the admin API's own field (not Shopify's): a shipment's latency to the ms (bench N-1).
    return [...shop.orders.values()].flatMap((o) => o.fulfillments.map((f) => ({ ...fulfillmentPayload(o, f), created_at_ms: f.createdAtMs })));
  });

  // ---- faults and counters
  app.get('/_admin/shops/:shop/faults', async (req) => shopOf(req.params).faults);
  app.put('/_admin/shops/:shop/faults', async (req) => {
    const shop = shopOf(req.params);
    Object.assign(shop.faults, parse(faultsInput, req.body));
    return shop.faults;
  });
  app.delete('/_admin/shops/:shop/faults', async (req) => {
    const shop = shopOf(req.params);
    shop.faults = defaultFaults();
    return shop.faults;
  });
  app.post('/_admin/shops/:shop/throttle/drain', async (req) => {
    const shop = shopOf(req.params);
    shop.bucket.drain();
    return shop.bucket.status();
  });
  app.get('/_admin/shops/:shop/counters', async (req) => {
    const shop = shopOf(req.params);
    return { ...shop.counters, throttleStatus: shop.bucket.status() };
  });
  app.delete('/_admin/shops/:shop/counters', async (req) => {
    const shop = shopOf(req.params);
    shop.counters = emptyCounters();
    return shop.counters;
  });

  // ---- webhooks
  app.get('/_admin/shops/:shop/webhooks', async (req) => webhooks.list(shopOf(req.params).domain));
  app.post('/_admin/shops/:shop/webhooks', async (req, reply) => {
    const shop = shopOf(req.params);
    const body = parse(z.object({ topic: z.enum(WEBHOOK_TOPICS), address: z.string().url() }).strict(), req.body);
    return reply.code(201).send(webhooks.subscribe(shop.domain, body.topic, body.address));
  });
  app.delete('/_admin/shops/:shop/webhooks/:id', async (req) => {
    const shop = shopOf(req.params);
    return { ok: webhooks.unsubscribe(shop.domain, parse(z.coerce.number().int(), (req.params as { id: string }).id)) };
  });
  app.get('/_admin/shops/:shop/webhooks/faults', async (req) => webhooks.getFaults(shopOf(req.params).domain));
  app.put('/_admin/shops/:shop/webhooks/faults', async (req) => {
    const shop = shopOf(req.params);
    return webhooks.setFaults(shop.domain, parse(webhookFaults, req.body));
  });
  app.get('/_admin/shops/:shop/webhooks/deliveries', async (req) =>
    webhooks.deliveriesFor(shopOf(req.params).domain).map((d) => ({ ...d, body: JSON.parse(d.body) as unknown })),
  );
  app.post('/_admin/shops/:shop/webhooks/compliance', async (req, reply) => {
    const shop = shopOf(req.params);
    const body = parse(
      z.object({ topic: z.enum(COMPLIANCE_TOPICS), customerId: anyId('Customer').optional(), orderIds: z.array(anyId('Order')).optional() }).strict(),
      req.body,
    );
    const customer = body.customerId !== undefined ? shop.customers.get(body.customerId) : undefined;
    const customerJson = customer ? { id: customer.id, email: customer.email, phone: customer.phone } : undefined;
    let payload: Record<string, unknown> = {};
    if (body.topic === 'customers/data_request') {
      payload = { customer: customerJson ?? null, orders_requested: body.orderIds ?? [], data_request: { id: store.allocateId(shop) } };
    } else if (body.topic === 'customers/redact') {
      payload = { customer: customerJson ?? null, orders_to_redact: body.orderIds ?? [] };
    }
    const deliveries = webhooks.triggerCompliance(shop, body.topic, payload);
    return reply.code(202).send({ queued: deliveries.length });
  });
}

